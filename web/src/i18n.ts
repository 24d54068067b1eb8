import { createContext, useContext } from "react";
import * as accessLogText from "./i18n/accessLog";
import * as connectionCheckText from "./i18n/connectionCheck";
import * as contactText from "./i18n/contact";
import * as dataRightsText from "./i18n/dataRights";
import * as gapsText from "./i18n/gaps";
import * as helpText from "./i18n/help";
import * as messagesText from "./i18n/messages";
import * as onboardingText from "./i18n/onboarding";
import * as payoutsText from "./i18n/payouts";
import * as portalText from "./i18n/portal";
import * as privacyText from "./i18n/privacy";
import * as publicText from "./i18n/public";
import * as questionnaireText from "./i18n/questionnaire";
import * as recordText from "./i18n/record";
import * as statesText from "./i18n/states";
import * as videoText from "./i18n/video";
import * as waitlistText from "./i18n/waitlist";
import * as walkInText from "./i18n/walkin";
import * as widgetsText from "./i18n/widgets";

export type Lang = "nl" | "en";
export const languages: Lang[] = ["nl", "en"];

const nl = {
  appName: "Derma2Go",
  tagline: "De dermatoloog online: advies per e-mail, videoconsult of een afspraak in de praktijk.",
  language: "Taal",
  login: "Inloggen",
  logout: "Uitloggen",
  register: "Account aanmaken",
  email: "E-mailadres",
  password: "Wachtwoord",
  name: "Naam",
  newPassword: "Nieuw wachtwoord (minstens 10 tekens)",
  forgotPassword: "Wachtwoord vergeten?",
  sendResetLink: "Stuur een herstellink",
  resetSent: "Als er een account bij dit adres hoort, is er een herstellink onderweg.",
  resetTitle: "Nieuw wachtwoord kiezen",
  resetDone: "Uw wachtwoord is gewijzigd. U kunt nu inloggen.",
  resetNoToken: "Deze link is onvolledig. Vraag een nieuwe herstellink aan.",
  verifyTitle: "E-mailadres bevestigen",
  verifyBusy: "Uw e-mailadres wordt bevestigd…",
  verifyDone: "Uw e-mailadres is bevestigd. U kunt nu consulten boeken.",
  verifyNoToken: "Deze link is onvolledig. Log in en vraag een nieuwe bevestigingslink aan.",
  save: "Opslaan",
  loading: "Laden…",
  notFoundTitle: "Pagina niet gevonden",
  notFoundText: "Deze pagina bestaat niet (meer).",
  toHome: "Naar de startpagina",
  myConsultations: "Mijn consulten",
  noConsultations: "U heeft nog geen consulten.",
  loginTitle: "Inloggen bij Derma2Go",
  loginToContinue: "Log in om verder te gaan.",
  noAccount: "Nog geen account?",
  haveAccount: "Al een account?",
  registerCheckEmail:
    "We hebben een e-mail gestuurd naar {email}. Bevestig daarin uw adres en log daarna in. Heeft u al een account, dan staat in de e-mail hoe u inlogt.",
  errorGeneric: "Er ging iets mis. Probeer het later opnieuw.",
  offline: "Geen verbinding. Controleer uw internet en probeer opnieuw.",
  paymentTitle: "Betaling",
  paymentChecking: "We controleren uw betaling…",
  paymentPaid: "Dank u, uw betaling is ontvangen.",
  paymentOpen: "Uw betaling is nog niet afgerond.",
  paymentFailed: "De betaling is niet gelukt of geannuleerd.",
  paymentMail: "U ontvangt een e-mail met de volgende stap.",
  toConsultation: "Naar uw consult",
  consultation: "Consult",
  status: "Status",
  amount: "Bedrag",
  paidAt: "Betaald op",
  dueAt: "Antwoord uiterlijk",
  startsAt: "Begint",
  doctor: "Dermatoloog",
  type_email_advice: "E-mailadvies",
  type_video: "Videoconsult",
  type_walk_in: "Inloopspreekuur (video)",
  type_in_person: "Afspraak in de praktijk",
  status_awaiting_payment: "Wacht op betaling",
  status_awaiting_intake: "Vul het formulier in",
  status_awaiting_advice: "Bij de dermatoloog",
  status_answered: "Beantwoord",
  status_declined: "Afgewezen",
  status_expired: "Verlopen",
  status_cancelled: "Geannuleerd",
  status_scheduled: "Gepland",
  status_waiting: "In de wachtkamer",
  status_in_session: "Bezig",
  status_completed: "Afgerond",
  status_no_show: "Niet verschenen",
  status_payment_failed: "Betaling mislukt",
  intakeTitle: "Uw vraag aan de dermatoloog",
  intakeDone: "Uw formulier is verstuurd.",
  complaint: "Wat is er aan de hand?",
  location: "Waar op het lichaam?",
  duration: "Sinds wanneer?",
  duration_days: "Dagen",
  duration_weeks: "Weken",
  duration_months: "Maanden",
  duration_years: "Jaren",
  question: "Uw vraag",
  ageYears: "Leeftijd (jaren)",
  send: "Versturen",
  photos: "Foto's",
  photosHint: "Voeg foto's toe (JPEG of PNG, hoogstens 10 MB per foto) voordat u het formulier verstuurt.",
  addPhoto: "Foto toevoegen",
  photoAdded: "Foto toegevoegd",
  photosCount: "Aantal foto's",
  advice: "Advies",
  documents: "Documenten",
  noDocuments: "Nog geen documenten.",
  pinTitle: "Beveiligd met uw pincode",
  pinLocked: "Advies, formulieren en documenten zijn beveiligd. Ontgrendel met uw pincode.",
  pinSet: "Stel eerst een pincode in (4 tot 8 cijfers), bevestigd met uw wachtwoord.",
  pin: "Pincode",
  unlock: "Ontgrendelen",
  setPin: "Pincode instellen",
  pinLockedOut: "Te vaak een verkeerde pincode. Probeer het later opnieuw.",
  cancelTitle: "Afspraak annuleren",
  cancelReason: "Reden",
  reason_schedule_conflict: "Past niet in mijn agenda",
  reason_feeling_better: "Ik voel me beter",
  reason_other_care: "Ik krijg al andere zorg",
  reason_other: "Anders",
  cancelRequest: "Annulering aanvragen",
  cancelRequested: "Uw annuleringsverzoek is verstuurd naar de praktijk.",
  cancelRule:
    "Meer dan 24 uur voor de afspraak krijgt u het bedrag terug min de administratiekosten; daarna niets.",
  reviewTitle: "Hoe was uw consult?",
  rating: "Beoordeling (1–5)",
  reviewText: "Uw ervaring (optioneel)",
  reviewThanks: "Dank u voor uw beoordeling.",
  waitingTitle: "Wachtkamer",
  waitingOpens: "De wachtkamer gaat 10 minuten voor de afspraak open, om",
  waitingOpen: "De wachtkamer is open.",
  waitingNoVideo: "Dit consult heeft geen video-wachtkamer.",
  intakeAppointmentTitle: "Intakeformulier voor uw afspraak",
  doctorDashboard: "Dashboard",
  patient: "Patiënt",
  guest: "gast",
  intake: "Formulier",
  noIntake: "Nog geen formulier ontvangen.",
  answerAdvice: "Advies versturen",
  adviceText: "Uw advies (minstens 20 tekens)",
  adviceSent: "Het advies is verstuurd.",
  decline: "Afwijzen",
  declineReason: "Reden van afwijzing",
  decline_needs_physical_exam: "Lichamelijk onderzoek nodig",
  decline_outside_expertise: "Buiten mijn vakgebied",
  decline_urgent_care_needed: "Dringende zorg nodig",
  decline_insufficient_information: "Onvoldoende informatie",
  decline_other: "Anders",
  declined: "Het consult is afgewezen; de patiënt krijgt alles terug.",
  actions: "Acties",
  action_start: "Sessie starten",
  action_end: "Sessie beëindigen",
  action_attended: "Verschenen",
  "action_no-show": "Niet verschenen",
  actionDone: "Gedaan.",
  conflict: "Dat kan nu niet in deze fase van het consult.",
  notFoundConsultation: "Dit consult bestaat niet of u heeft er geen toegang toe.",
  linkExpired: "Deze link is ongeldig of verlopen. Open de nieuwste e-mail of log in.",
  required: "Vul dit veld in.",
  tooShort: "Te kort: minstens {n} tekens.",
  tooLong: "Te lang: hoogstens {n} tekens.",
  invalid: "Deze waarde klopt niet.",
  medications: "Medicijnen die u gebruikt",
  allergies: "Allergieën",
  previous_treatment: "Eerdere behandeling",
  patientName: "Uw volledige naam (voor factuur en recept)",
  birthDate: "Geboortedatum",
  patient_name: "Naam",
  birth_date: "Geboortedatum",
};

export type MessageKey = keyof typeof nl;

const en: Record<MessageKey, string> = {
  appName: "Derma2Go",
  tagline: "Your dermatologist online: advice by email, a video consultation or a visit to the practice.",
  language: "Language",
  login: "Log in",
  logout: "Log out",
  register: "Create account",
  email: "Email address",
  password: "Password",
  name: "Name",
  newPassword: "New password (at least 10 characters)",
  forgotPassword: "Forgot your password?",
  sendResetLink: "Send a reset link",
  resetSent: "If an account exists for this address, a reset link is on its way.",
  resetTitle: "Choose a new password",
  resetDone: "Your password has been changed. You can log in now.",
  resetNoToken: "This link is incomplete. Ask for a new reset link.",
  verifyTitle: "Confirm your email address",
  verifyBusy: "Confirming your email address…",
  verifyDone: "Your email address is confirmed. You can book consultations now.",
  verifyNoToken: "This link is incomplete. Log in and ask for a new confirmation link.",
  save: "Save",
  loading: "Loading…",
  notFoundTitle: "Page not found",
  notFoundText: "This page does not exist (any more).",
  toHome: "Go to the home page",
  myConsultations: "My consultations",
  noConsultations: "You have no consultations yet.",
  loginTitle: "Log in to Derma2Go",
  loginToContinue: "Log in to continue.",
  noAccount: "No account yet?",
  haveAccount: "Have an account?",
  registerCheckEmail:
    "We have sent an email to {email}. Confirm your address in it, then log in. If you already have an account, the email says how to log in.",
  errorGeneric: "Something went wrong. Please try again later.",
  offline: "No connection. Check your internet and try again.",
  paymentTitle: "Payment",
  paymentChecking: "We are checking your payment…",
  paymentPaid: "Thank you, your payment has been received.",
  paymentOpen: "Your payment is not complete yet.",
  paymentFailed: "The payment failed or was cancelled.",
  paymentMail: "You will receive an email with the next step.",
  toConsultation: "Go to your consultation",
  consultation: "Consultation",
  status: "Status",
  amount: "Amount",
  paidAt: "Paid on",
  dueAt: "Answer due by",
  startsAt: "Starts",
  doctor: "Dermatologist",
  type_email_advice: "Email advice",
  type_video: "Video consultation",
  type_walk_in: "Walk-in (video)",
  type_in_person: "Visit to the practice",
  status_awaiting_payment: "Awaiting payment",
  status_awaiting_intake: "Fill in the form",
  status_awaiting_advice: "With the dermatologist",
  status_answered: "Answered",
  status_declined: "Declined",
  status_expired: "Expired",
  status_cancelled: "Cancelled",
  status_scheduled: "Scheduled",
  status_waiting: "In the waiting room",
  status_in_session: "In session",
  status_completed: "Completed",
  status_no_show: "No-show",
  status_payment_failed: "Payment failed",
  intakeTitle: "Your question for the dermatologist",
  intakeDone: "Your form has been sent.",
  complaint: "What is the matter?",
  location: "Where on the body?",
  duration: "Since when?",
  duration_days: "Days",
  duration_weeks: "Weeks",
  duration_months: "Months",
  duration_years: "Years",
  question: "Your question",
  ageYears: "Age (years)",
  send: "Send",
  photos: "Photos",
  photosHint: "Add photos (JPEG or PNG, at most 10 MB each) before you send the form.",
  addPhoto: "Add photo",
  photoAdded: "Photo added",
  photosCount: "Photos",
  advice: "Advice",
  documents: "Documents",
  noDocuments: "No documents yet.",
  pinTitle: "Protected by your PIN",
  pinLocked: "Advice, forms and documents are protected. Unlock them with your PIN.",
  pinSet: "First set a PIN (4 to 8 digits), confirmed with your password.",
  pin: "PIN",
  unlock: "Unlock",
  setPin: "Set PIN",
  pinLockedOut: "Too many wrong PINs. Try again later.",
  cancelTitle: "Cancel the appointment",
  cancelReason: "Reason",
  reason_schedule_conflict: "It does not fit my schedule",
  reason_feeling_better: "I feel better",
  reason_other_care: "I am getting other care",
  reason_other: "Other",
  cancelRequest: "Request cancellation",
  cancelRequested: "Your cancellation request has been sent to the practice.",
  cancelRule:
    "More than 24 hours before the appointment you get the amount back minus the admin fee; later, nothing.",
  reviewTitle: "How was your consultation?",
  rating: "Rating (1–5)",
  reviewText: "Your experience (optional)",
  reviewThanks: "Thank you for your review.",
  waitingTitle: "Waiting room",
  waitingOpens: "The waiting room opens 10 minutes before the appointment, at",
  waitingOpen: "The waiting room is open.",
  waitingNoVideo: "This consultation has no video waiting room.",
  intakeAppointmentTitle: "Intake form for your appointment",
  doctorDashboard: "Dashboard",
  patient: "Patient",
  guest: "guest",
  intake: "Form",
  noIntake: "No form received yet.",
  answerAdvice: "Send advice",
  adviceText: "Your advice (at least 20 characters)",
  adviceSent: "The advice has been sent.",
  decline: "Decline",
  declineReason: "Reason for declining",
  decline_needs_physical_exam: "Needs a physical examination",
  decline_outside_expertise: "Outside my expertise",
  decline_urgent_care_needed: "Urgent care needed",
  decline_insufficient_information: "Insufficient information",
  decline_other: "Other",
  declined: "The consultation was declined; the patient is refunded in full.",
  actions: "Actions",
  action_start: "Start session",
  action_end: "End session",
  action_attended: "Attended",
  "action_no-show": "No-show",
  actionDone: "Done.",
  conflict: "That is not possible at this stage of the consultation.",
  notFoundConsultation: "This consultation does not exist or you have no access to it.",
  linkExpired: "This link is invalid or expired. Open the newest email or log in.",
  required: "Fill in this field.",
  tooShort: "Too short: at least {n} characters.",
  tooLong: "Too long: at most {n} characters.",
  invalid: "This value is not valid.",
  medications: "Medicines you take",
  allergies: "Allergies",
  previous_treatment: "Previous treatment",
  patientName: "Your full name (for the invoice and prescription)",
  birthDate: "Date of birth",
  patient_name: "Name",
  birth_date: "Date of birth",
};

/**
 * messages is the dictionary: the shared texts above, then each area's own
 * file under i18n/ (one spread per area and language).
 */
export const messages: Record<Lang, Record<string, string>> = {
  nl: {
    ...nl,
    ...publicText.nl,
    ...videoText.nl,
    ...portalText.nl,
    ...contactText.nl,
    ...walkInText.nl,
    ...payoutsText.nl,
    ...widgetsText.nl,
    ...recordText.nl,
    ...messagesText.nl,
    ...questionnaireText.nl,
    ...waitlistText.nl,
    ...gapsText.nl,
    ...helpText.nl,
    ...privacyText.nl,
    ...accessLogText.nl,
    ...dataRightsText.nl,
    ...connectionCheckText.nl,
    ...statesText.nl,
    ...onboardingText.nl,
  },
  en: {
    ...en,
    ...publicText.en,
    ...videoText.en,
    ...portalText.en,
    ...contactText.en,
    ...walkInText.en,
    ...payoutsText.en,
    ...widgetsText.en,
    ...recordText.en,
    ...messagesText.en,
    ...questionnaireText.en,
    ...waitlistText.en,
    ...gapsText.en,
    ...helpText.en,
    ...privacyText.en,
    ...accessLogText.en,
    ...dataRightsText.en,
    ...connectionCheckText.en,
    ...statesText.en,
    ...onboardingText.en,
  },
};

/** translate looks a key up; an unknown dynamic key falls back to itself. */
export function translate(lang: Lang, key: string): string {
  const table = messages[lang] as Record<string, string>;
  return table[key] ?? (messages.nl as Record<string, string>)[key] ?? key;
}

function locale(lang: Lang): string {
  return lang === "en" ? "en-GB" : "nl-NL";
}

/** formatMoney prints cents in the reader's language: "€ 45,00" or "€45.00". */
export function formatMoney(cents: number, currency: string, lang: Lang): string {
  return new Intl.NumberFormat(locale(lang), { style: "currency", currency }).format(cents / 100);
}

/** formatDateTime prints an instant in the reader's language and the given zone. */
export function formatDateTime(iso: string, lang: Lang, timeZone = "Europe/Amsterdam"): string {
  return new Intl.DateTimeFormat(locale(lang), {
    dateStyle: "full",
    timeStyle: "short",
    timeZone,
  }).format(new Date(iso));
}

/** pickLang chooses the language: ?lang= first, then the saved choice, else Dutch. */
export function pickLang(query: string | null, saved: string | null): Lang {
  for (const v of [query, saved]) if (v === "nl" || v === "en") return v;
  return "nl";
}

export interface I18n {
  lang: Lang;
  setLang: (l: Lang) => void;
  /** adopt switches to a page's own language unless the reader chose one. */
  adopt: (l: string) => void;
  t: (key: MessageKey | string) => string;
}

export const I18nContext = createContext<I18n>({
  lang: "nl",
  setLang: () => {},
  adopt: () => {},
  t: (k) => translate("nl", k),
});

export function useI18n(): I18n {
  return useContext(I18nContext);
}
