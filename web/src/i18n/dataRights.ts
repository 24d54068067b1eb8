// Texts of the data rights page /account/privacy (gdpr): the export, the
// consent and the erasure.

export const nl = {
  gdprLink: "Privacy: uw gegevens downloaden of uw account wissen",
  gdprTitle: "Privacy en uw gegevens",
  gdprIntro:
    "Hier downloadt u alles wat wij over u bewaren, ziet u met welke privacyverklaring u heeft ingestemd, en kunt u uw account laten wissen.",
  gdprConsentTitle: "Uw toestemming",
  gdprConsent: "U heeft ingestemd met privacyverklaring versie {version} op {date}.",
  gdprConsentUnknown:
    "Voor uw account is geen toestemming met een versie van de privacyverklaring vastgelegd.",
  gdprExportTitle: "Uw gegevens downloaden",
  gdprExportHint:
    "Eén zip-bestand met al uw gegevens (data.json), uw medisch dossier in het FHIR-formaat voor een andere zorgverlener, en uw foto's en documenten.",
  gdprExportButton: "Download mijn gegevens",
  gdprExportDone: "Het bestand is gedownload.",
  gdprCodeLabel: "Code uit uw authenticator-app of een herstelcode",
  gdprCodeHint: "U heeft tweestapsverificatie aan; daarom vragen we hier opnieuw een code.",
  gdprEraseTitle: "Account wissen",
  gdprEraseHint: "Bekijk eerst wat er met uw gegevens gebeurt.",
  gdprEraseStart: "Ik wil mijn account wissen",
  gdprGoesTitle: "Wat meteen verdwijnt",
  gdprGoes:
    "Uw account en inloggegevens, uw e-mailadres, pincode en tweestapsverificatie, uw sessies, favoriete artsen, reacties, beoordelingen, berichtinstellingen, wachtlijstplaatsen en contactberichten.",
  gdprStaysTitle: "Wat blijft",
  gdprStays:
    "Uw medisch dossier (consulten, foto's, vragenlijsten, adviezen, recepten, berichten met uw arts en facturen) moeten wij volgens de WGBO {years} jaar bewaren. Alleen uw behandelend artsen kunnen het lezen. Het wordt gewist op {date}.",
  gdprNoRecord: "U heeft geen medisch dossier bij ons: alles wordt meteen gewist.",
  gdprAuditStays: "Het logboek van wie uw gegevens heeft ingezien blijft bewaard zolang de wet dat vraagt.",
  gdprActiveTitle: "Nog niet mogelijk",
  gdprActiveList: "U heeft nog een lopend consult. Rond het af of annuleer het, en wis daarna uw account.",
  gdprOpenConsultation: "Open het consult",
  gdprPasswordLabel: "Uw wachtwoord",
  gdprConfirmTitle: "Weet u het zeker?",
  gdprConfirmText: "Wissen kan niet ongedaan worden gemaakt. U wordt daarna uitgelogd.",
  gdprEraseButton: "Wis mijn account definitief",
  gdprCancel: "Toch niet",
  gdprErasedTitle: "Uw account is gewist",
  gdprErasedRecord:
    "Uw medisch dossier bewaren wij tot {date}; daarna wordt het gewist. U ontvangt een bevestiging per e-mail.",
  gdprErasedAll: "Al uw gegevens zijn gewist. U ontvangt een bevestiging per e-mail.",
  gdprHome: "Naar de startpagina",
  gdprWrongPassword: "Het wachtwoord klopt niet; er is niets gewist.",
  gdprCodeMissing: "Vul ook de code uit uw authenticator-app of een herstelcode in.",
  gdprWrongCode:
    "Deze code klopt niet, is al gebruikt of is verlopen. Probeer de huidige code of een andere herstelcode.",
  gdprActive:
    "U heeft nog een lopend consult. Rond het af of annuleer het (de gewone annuleringsregels gelden), en wis daarna uw account.",
  gdprNotErasable: "Dit account kan niet worden gewist.",
  gdprTooMany: "Te veel pogingen. Wacht even en probeer het dan opnieuw.",
};

export const en: typeof nl = {
  gdprLink: "Privacy: download your data or erase your account",
  gdprTitle: "Privacy and your data",
  gdprIntro:
    "Here you download everything we keep about you, see which privacy statement you agreed to, and can have your account erased.",
  gdprConsentTitle: "Your consent",
  gdprConsent: "You agreed to version {version} of the privacy statement on {date}.",
  gdprConsentUnknown: "No consent to a version of the privacy statement is recorded for your account.",
  gdprExportTitle: "Download your data",
  gdprExportHint:
    "One zip file with all your data (data.json), your medical record in the FHIR format for another care provider, and your photos and documents.",
  gdprExportButton: "Download my data",
  gdprExportDone: "The file has been downloaded.",
  gdprCodeLabel: "Code from your authenticator app or a recovery code",
  gdprCodeHint: "Two-step sign-in is on for your account, so we ask for a code again here.",
  gdprEraseTitle: "Erase account",
  gdprEraseHint: "First see what happens to your data.",
  gdprEraseStart: "I want to erase my account",
  gdprGoesTitle: "What goes at once",
  gdprGoes:
    "Your account and sign-in details, your email address, PIN and two-step sign-in, your sessions, favourite doctors, comments, reviews, message settings, waiting list places and contact messages.",
  gdprStaysTitle: "What stays",
  gdprStays:
    "Dutch law (WGBO) makes us keep your medical record (consultations, photos, questionnaires, advice, prescriptions, messages with your doctor and invoices) for {years} years. Only your treating doctors can read it. It is erased on {date}.",
  gdprNoRecord: "You have no medical record with us: everything is erased at once.",
  gdprAuditStays: "The log of who viewed your data is kept as long as the law asks.",
  gdprActiveTitle: "Not possible yet",
  gdprActiveList: "You still have a consultation in progress. Finish or cancel it, then erase your account.",
  gdprOpenConsultation: "Open the consultation",
  gdprPasswordLabel: "Your password",
  gdprConfirmTitle: "Are you sure?",
  gdprConfirmText: "Erasing cannot be undone. You will be signed out afterwards.",
  gdprEraseButton: "Erase my account for good",
  gdprCancel: "Cancel",
  gdprErasedTitle: "Your account has been erased",
  gdprErasedRecord:
    "We keep your medical record until {date}; then it is erased. You will receive a confirmation by email.",
  gdprErasedAll: "All your data has been erased. You will receive a confirmation by email.",
  gdprHome: "To the home page",
  gdprWrongPassword: "The password is wrong; nothing was erased.",
  gdprCodeMissing: "Also enter the code from your authenticator app or a recovery code.",
  gdprWrongCode:
    "This code is wrong, already used or expired. Try the current code or another recovery code.",
  gdprActive:
    "You still have a consultation in progress. Finish or cancel it (the usual cancellation rules apply), then erase your account.",
  gdprNotErasable: "This account cannot be erased.",
  gdprTooMany: "Too many attempts. Wait a moment and try again.",
};
