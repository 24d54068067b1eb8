// Texts of the doctor's payouts page (Mollie Connect), prefix pay.

export const nl = {
  payTitle: "Uitbetalingen",
  payIntro:
    "Patiënten betalen hun consulten online via Mollie. Koppel eenmalig uw eigen Mollie-account, dan komen de betalingen rechtstreeks bij u binnen.",
  payNotConnected:
    "U heeft nog geen Mollie-account gekoppeld. Tot u dat doet, kunnen patiënten bij u geen e-mailadvies, videoconsult of inloopspreekuur boeken.",
  payConnect: "Koppel uw Mollie-account",
  payReconnect: "Een ander Mollie-account koppelen",
  payConnected:
    "Gekoppeld met {name} sinds {date}. Betalingen voor uw consulten komen op dit account binnen.",
  payPlatform: "Dit platform ontvangt de betalingen zelf; u hoeft geen Mollie-account te koppelen.",
  payRedirecting: "U gaat naar Mollie…",
  payCompleting: "Uw Mollie-account wordt gekoppeld…",
  payDone: "Uw Mollie-account {name} is gekoppeld.",
  payIncomplete: "Deze link van Mollie is onvolledig. Start het koppelen opnieuw.",
  payBack: "Naar uitbetalingen",
  payBanner: "Patiënten kunnen u nog niet online boeken: koppel uw Mollie-account.",
};

export const en: typeof nl = {
  payTitle: "Payouts",
  payIntro:
    "Patients pay for their consultations online through Mollie. Connect your own Mollie account once and the payments reach you directly.",
  payNotConnected:
    "You have not connected a Mollie account yet. Until you do, patients cannot book email advice, video consultations or the walk-in clinic with you.",
  payConnect: "Connect your Mollie account",
  payReconnect: "Connect another Mollie account",
  payConnected: "Connected to {name} since {date}. Payments for your consultations reach this account.",
  payPlatform: "This platform receives the payments itself; you need not connect a Mollie account.",
  payRedirecting: "Taking you to Mollie…",
  payCompleting: "Connecting your Mollie account…",
  payDone: "Your Mollie account {name} is connected.",
  payIncomplete: "This link from Mollie is incomplete. Start connecting again.",
  payBack: "To payouts",
  payBanner: "Patients cannot book you online yet: connect your Mollie account.",
};
