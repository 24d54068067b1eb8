// Texts of the contact and complaint form and of the administrators' list
// of its messages.

export const nl = {
  ctFooterContact: "Contact en klachten",
  ctTitle: "Contact en klachten",
  ctIntro:
    "Heeft u een vraag, een opmerking of een klacht? Schrijf ons. U krijgt een bevestiging per e-mail. Dit formulier is niet voor medisch advies.",
  ctSubject: "Waar gaat uw bericht over?",
  ctSubject_system_complaint: "Een klacht over Derma2Go (website, betaling, e-mail)",
  ctSubject_practitioner: "Een klacht over een dermatoloog",
  ctSubject_other: "Iets anders",
  ctMessage: "Uw bericht",
  ctAboutDoctor: "Over: {name}",
  ctSend: "Versturen",
  ctSentTitle: "Bedankt, uw bericht is verstuurd",
  ctSent:
    "We hebben uw bericht ontvangen onder kenmerk {reference}. Er is een bevestiging naar uw e-mailadres gestuurd.",
  ctSentSupport: "Uw klacht is doorgestuurd naar ons supportteam. We reageren binnen vijf werkdagen.",
  ctPolicyTitle: "Zo werkt een klacht over de zorg",
  ctPolicy1:
    "Derma2Go is een platform en geeft zelf geen zorg. Volgens de Wkkgz behandelt de zorgverlener klachten over de eigen zorg: bespreek uw klacht eerst met de dermatoloog.",
  ctPolicy2:
    "Komt u er samen niet uit, vraag dan naar de klachtenregeling van de praktijk. Elke zorgverlener heeft een klachtenfunctionaris, die gratis bemiddelt; de zorgverlener reageert binnen zes weken.",
  ctPolicy3: "Bent u het daarna nog niet eens, dan kunt u naar de geschillencommissie van de zorgverlener.",
  ctReach: "Zo bereikt u {name}:",
  ctProfile: "Profiel en praktijkgegevens",
  ctUrgent:
    "Worden uw klachten erger of maakt u zich zorgen? Neem contact op met uw huisarts of de huisartsenpost. Bel in een levensbedreigende situatie 112.",
  ctAnother: "Nog een bericht sturen",
  ctErrName: "Vul uw naam in.",
  ctErrEmail: "Vul een geldig e-mailadres in.",
  ctErrMessage: "Schrijf uw bericht.",
  ctAdminTitle: "Berichten via het contactformulier",
  ctAdminAll: "Alle",
  ctStatus_open: "Open",
  ctStatus_in_progress: "In behandeling",
  ctStatus_closed: "Afgehandeld",
  ctAdminEmpty: "Geen berichten.",
  ctAdminSetStatus: "Status van {reference}",
  ctAdminSaved: "Status bijgewerkt.",
  ctAdminFrom: "Van",
  ctAdminReceived: "Ontvangen",
  ctAdminModeration: "Moderatie en beoordeling",
  ctAdminContactLink: "Berichten via het contactformulier",
};

export const en: typeof nl = {
  ctFooterContact: "Contact and complaints",
  ctTitle: "Contact and complaints",
  ctIntro:
    "A question, a remark or a complaint? Write to us. You get a confirmation by email. This form is not for medical advice.",
  ctSubject: "What is your message about?",
  ctSubject_system_complaint: "A complaint about Derma2Go (website, payment, email)",
  ctSubject_practitioner: "A complaint about a dermatologist",
  ctSubject_other: "Something else",
  ctMessage: "Your message",
  ctAboutDoctor: "About: {name}",
  ctSend: "Send",
  ctSentTitle: "Thank you, your message has been sent",
  ctSent:
    "We received your message under reference {reference}. A confirmation is on its way to your email address.",
  ctSentSupport: "Your complaint has been passed on to our support team. We answer within five working days.",
  ctPolicyTitle: "How a complaint about care works",
  ctPolicy1:
    "Derma2Go is a platform and does not give care itself. Under the Wkkgz the practitioner handles complaints about their own care: first discuss your complaint with the dermatologist.",
  ctPolicy2:
    "If you cannot resolve it together, ask for the practice's complaints procedure. Every practitioner has a complaints officer who mediates free of charge; the practitioner answers within six weeks.",
  ctPolicy3: "If you still disagree, you can go to the practitioner's disputes committee.",
  ctReach: "How to reach {name}:",
  ctProfile: "Profile and practice details",
  ctUrgent:
    "If your symptoms get worse or you are worried, contact your GP or the out-of-hours GP service. In a life-threatening situation, call 112.",
  ctAnother: "Send another message",
  ctErrName: "Fill in your name.",
  ctErrEmail: "Fill in a valid email address.",
  ctErrMessage: "Write your message.",
  ctAdminTitle: "Messages from the contact form",
  ctAdminAll: "All",
  ctStatus_open: "Open",
  ctStatus_in_progress: "In progress",
  ctStatus_closed: "Closed",
  ctAdminEmpty: "No messages.",
  ctAdminSetStatus: "Status of {reference}",
  ctAdminSaved: "Status updated.",
  ctAdminFrom: "From",
  ctAdminReceived: "Received",
  ctAdminModeration: "Moderation and review",
  ctAdminContactLink: "Messages from the contact form",
};
