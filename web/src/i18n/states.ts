// Texts of the answers the API can give (problems.ts maps each problem to
// one of these or to an older key), of the date field (dateInput.tsx) and
// of the messages section on the doctor's consultation page.

export const nl = {
  dateFormat: "Schrijf als {pattern}",
  dateInvalid: "Dit is geen bestaande datum. Schrijf de datum als {pattern}.",
  dateEarly: "Kies {date} of later.",
  dateLate: "Kies {date} of eerder.",
  stStateChanged:
    "Dat kan nu niet (meer): de stand van zaken is intussen veranderd. Laad de pagina opnieuw en kijk wat er nu kan.",
  stBusy: "Uw vorige verzoek wordt nog verwerkt. Wacht een moment en probeer het dan opnieuw.",
  stTooManyUnpaid:
    "U heeft al te veel afspraken die nog niet betaald zijn. Betaal of annuleer die eerst in Mijn consulten.",
  stPinIncorrect:
    "Deze pincode klopt niet. Na vijf verkeerde pogingen wordt de pincode een tijd vergrendeld.",
  stPinNotSet: "Stel eerst een pincode in.",
  stAlreadyVerified: "Uw e-mailadres is al bevestigd. U kunt inloggen.",
  stInvalid: "Controleer de gegevens en probeer het opnieuw.",
  stForbidden: "Dit kunt u met dit account niet doen.",
  stMessagesTitle: "Berichten met de patiënt",
  stMessagesHint: "Het beveiligde gesprek met deze patiënt, voor vragen na het consult en voor documenten.",
  stMessagesOpen: "Berichten tonen",
  stMessagesGuest: "Een gast heeft geen account om berichten te ontvangen; schrijf deze patiënt per e-mail.",
  stMessagesNotYet:
    "Berichten kunnen pas na een consult dat telt (betaald, of een geboekte afspraak in de praktijk).",
};

export const en: Record<keyof typeof nl, string> = {
  dateFormat: "Write as {pattern}",
  dateInvalid: "This is not a date that exists. Write the date as {pattern}.",
  dateEarly: "Choose {date} or later.",
  dateLate: "Choose {date} or earlier.",
  stStateChanged:
    "That is not possible (any more): things changed in the meantime. Reload the page to see what you can do now.",
  stBusy: "Your previous request is still being processed. Wait a moment and try again.",
  stTooManyUnpaid:
    "You have too many appointments that are not paid yet. Pay or cancel those first in My consultations.",
  stPinIncorrect: "This PIN is wrong. After five wrong tries the PIN locks for a while.",
  stPinNotSet: "Set a PIN first.",
  stAlreadyVerified: "Your email address is confirmed already. You can log in.",
  stInvalid: "Check your details and try again.",
  stForbidden: "You cannot do this with this account.",
  stMessagesTitle: "Messages with the patient",
  stMessagesHint:
    "The secure conversation with this patient, for questions after the consultation and for documents.",
  stMessagesOpen: "Show messages",
  stMessagesGuest: "A guest has no account to receive messages; write to this patient by email.",
  stMessagesNotYet:
    "Messages are possible after a consultation that counts (paid, or a booked visit at the practice).",
};
