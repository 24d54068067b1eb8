// Texts of the NEN 7513 access views (patient, treating doctor, admin) and
// of the admin's search over the audit log; the table's own words are the
// portal's (ptl*).

export const nl = {
  alPatientTitle: "Wie bekeek de gegevens van deze patiënt",
  alPatientHint:
    "Hetzelfde overzicht dat de patiënt zelf ziet: elke inzage en wijziging, door wie en namens wie. Gelijke regels van één dag staan samen.",
  alAdminPatientHint:
    "Het overzicht van de patiënt. Dat u het opent, komt zelf in het overzicht van de patiënt te staan.",
  alBackToRecord: "Terug naar het dossier",
  alAccessLink: "Wie bekeek dit dossier",
  alTimes: "{count} keer die dag",
  alOnBehalfOf: "namens",
  alFrom: "Van",
  alTo: "Tot en met",
  alShow: "Toon",
  alSearchTitle: "Zoeken in het inzagelogboek",
  alSearchHint:
    "Zoek op wie iets deed of wiens gegevens het betrof (id of e-mailadres), de actie en de periode. Elke zoekopdracht wordt vastgelegd bij de patiënten die u te zien krijgt.",
  alActor: "Door (id of e-mailadres)",
  alPatient: "Patiënt",
  alAction: "Actie",
  alAnyAction: "Elke actie",
  alSearch: "Zoeken",
  alNoResults: "Niets gevonden.",
  alPatientView: "Overzicht van deze patiënt",
  alPrevious: "Vorige",
  alNext: "Volgende",
  alAdminLink: "Inzagelogboek (NEN 7513)",
};

export const en: typeof nl = {
  alPatientTitle: "Who accessed this patient's data",
  alPatientHint:
    "The same view the patient has: every read and change, by whom and on whose behalf. Identical lines of one day are merged.",
  alAdminPatientHint: "The patient's view. That you opened it appears in the patient's view too.",
  alBackToRecord: "Back to the record",
  alAccessLink: "Who accessed this record",
  alTimes: "{count} times that day",
  alOnBehalfOf: "on behalf of",
  alFrom: "From",
  alTo: "Up to and including",
  alShow: "Show",
  alSearchTitle: "Search the access log",
  alSearchHint:
    "Search by who acted or whose data it was (id or email address), the action and the period. Every search is logged for the patients it shows you.",
  alActor: "By (id or email address)",
  alPatient: "Patient",
  alAction: "Action",
  alAnyAction: "Any action",
  alSearch: "Search",
  alNoResults: "Nothing found.",
  alPatientView: "This patient's view",
  alPrevious: "Previous",
  alNext: "Next",
  alAdminLink: "Access log (NEN 7513)",
};
