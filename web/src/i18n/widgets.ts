// Texts of the widgets for a practice's own website and of the dashboard
// page that hands out their snippets, prefix wdg.

export const nl = {
  wdgBookTitle: "Afspraak maken bij {name}",
  wdgWalkInTitle: "Online inloopspreekuur van {name}",
  wdgNextSlots: "Eerstvolgende tijden",
  wdgNoSlots: "De komende twee weken is er geen tijd vrij.",
  wdgMoreTimes: "Andere tijd kiezen",
  wdgAskAdvice: "Advies aanvragen",
  wdgJoin: "Aansluiten in de wachtrij",
  wdgNewWindow: "(opent in een nieuw venster)",
  wdgContinues: "U boekt en betaalt veilig op Derma2Go, in een nieuw venster.",
  wdgNothing: "Bij deze arts kunt u nu niet online boeken.",
  wdgNoWalkIn: "Deze arts heeft geen online inloopspreekuur.",
  wdgPowered: "Via Derma2Go",
  wdgDuration: "{n} min",
  wdgTitle: "Widgets voor uw website",
  wdgIntro:
    "Zet uw afspraken en uw online inloopspreekuur op de website van uw praktijk. Patiënten kiezen daar een consult en een tijd; boeken, inloggen en betalen gebeuren veilig op Derma2Go in een nieuw venster.",
  wdgOriginsLabel:
    "Websites die de widgets mogen tonen (één per regel, bijvoorbeeld https://www.uwpraktijk.nl)",
  wdgOriginsHint:
    "Alleen op deze adressen verschijnen de widgets; elke andere website krijgt ze niet te zien. Zonder adres zijn de widgets nergens te tonen.",
  wdgSaved: "Opgeslagen. De widgets mogen nu op deze websites staan.",
  wdgSavedNone: "Opgeslagen. De widgets zijn nu op geen enkele website te tonen.",
  wdgBooking: "Afsprakenwidget",
  wdgWalkIn: "Inloopwidget",
  wdgFrame: "Als iframe (vaste hoogte)",
  wdgLoader: "Met het laadscript (past de hoogte aan en volgt de taal van uw pagina)",
  wdgFrameTitle: "Afspraak maken bij {name} via Derma2Go",
  wdgFrameTitleWalkIn: "Online inloopspreekuur van {name} via Derma2Go",
  wdgCopy: "Kopiëren",
  wdgCopied: "Gekopieerd.",
  wdgPreview: "Voorbeeld bekijken",
  wdgNeedOrigin:
    "Voeg eerst de website van uw praktijk toe; zonder toegestane website tonen browsers de widget niet.",
};

export const en: typeof nl = {
  wdgBookTitle: "Book with {name}",
  wdgWalkInTitle: "{name}'s online walk-in clinic",
  wdgNextSlots: "Next free times",
  wdgNoSlots: "No time is free in the next two weeks.",
  wdgMoreTimes: "Choose another time",
  wdgAskAdvice: "Ask for advice",
  wdgJoin: "Join the queue",
  wdgNewWindow: "(opens in a new window)",
  wdgContinues: "You book and pay securely on Derma2Go, in a new window.",
  wdgNothing: "This doctor cannot be booked online right now.",
  wdgNoWalkIn: "This doctor does not hold an online walk-in clinic.",
  wdgPowered: "Through Derma2Go",
  wdgDuration: "{n} min",
  wdgTitle: "Widgets for your website",
  wdgIntro:
    "Put your appointments and your online walk-in clinic on your practice's website. Patients choose a consultation and a time there; booking, logging in and paying happen securely on Derma2Go in a new window.",
  wdgOriginsLabel:
    "Websites that may show the widgets (one a line, for example https://www.yourpractice.com)",
  wdgOriginsHint:
    "The widgets appear only on these addresses; any other website does not get to show them. Without an address they cannot be shown anywhere.",
  wdgSaved: "Saved. The widgets may now appear on these websites.",
  wdgSavedNone: "Saved. The widgets cannot be shown on any website now.",
  wdgBooking: "Booking widget",
  wdgWalkIn: "Walk-in widget",
  wdgFrame: "As an iframe (fixed height)",
  wdgLoader: "With the loader script (fits the height and follows your page's language)",
  wdgFrameTitle: "Book with {name} through Derma2Go",
  wdgFrameTitleWalkIn: "{name}'s online walk-in clinic through Derma2Go",
  wdgCopy: "Copy",
  wdgCopied: "Copied.",
  wdgPreview: "Preview",
  wdgNeedOrigin:
    "First add your practice's website; browsers do not show the widget without an allowed website.",
};
