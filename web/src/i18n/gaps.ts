// Texts of the smaller pieces of issues 9 and 11: the complaint link on a
// doctor's profile, the message composer on the doctor's consultation page,
// disconnecting Mollie.

/** nl are the Dutch texts. */
export const nl = {
  gapComplain: "Een klacht over deze arts?",
  gapComplainLink: "Dien een klacht in",
  gapDisconnect: "Mollie-account ontkoppelen",
  gapDisconnectConfirm:
    "Na het ontkoppelen kunnen patiënten bij u geen online betaalde consulten meer boeken, tot u opnieuw een account koppelt. Doorgaan?",
  gapDisconnectYes: "Ja, ontkoppelen",
  gapDisconnectNo: "Nee, gekoppeld laten",
};

/** en are the English texts. */
export const en: Record<keyof typeof nl, string> = {
  gapComplain: "A complaint about this doctor?",
  gapComplainLink: "File a complaint",
  gapDisconnect: "Disconnect Mollie account",
  gapDisconnectConfirm:
    "Once disconnected, patients cannot book consultations paid online with you until you connect an account again. Continue?",
  gapDisconnectYes: "Yes, disconnect",
  gapDisconnectNo: "No, keep it connected",
};
