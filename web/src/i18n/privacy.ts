// Texts of two-factor sign-in and the sessions page (prv).

export const nl = {
  prvCodeTitle: "Code uit uw authenticator-app",
  prvCodeHint:
    "Open de authenticator-app op uw telefoon en typ de code van zes cijfers. Geen telefoon bij de hand? Gebruik een van uw herstelcodes.",
  prvCode: "Code",
  prvConfirm: "Bevestigen",
  prvWrongCode: "Deze code klopt niet, is al gebruikt of is verlopen. Probeer de huidige code.",
  prvTooMany: "Te veel verkeerde codes. Wacht even en probeer het opnieuw.",
  prvFailed: "Dat lukte niet. Probeer het opnieuw.",
  prvEnrolTitle: "Tweestapsverificatie instellen",
  prvEnrolStaff:
    "Artsen en beheerders loggen in met een tweede stap: een code uit een authenticator-app. Stel die nu in.",
  prvEnrolStart: "Instellen",
  prvEnrolScan:
    "Scan deze QR-code met uw authenticator-app, of typ de sleutel over. Vul daarna de code in die de app toont.",
  prvQrAlt: "QR-code om de authenticator-app in te stellen",
  prvSecret: "Sleutel",
  prvRecoveryTitle: "Uw herstelcodes",
  prvRecoveryHint:
    "Bewaar deze codes op een veilige plek. Elke code werkt één keer, als u uw telefoon niet bij de hand heeft. U ziet ze alleen nu.",
  prvContinue: "Verder",
  prvPasswordWrong: "Het wachtwoord klopt niet.",
  prvSecurity: "Beveiliging",
  prvSecurityLink: "Beveiliging en sessies",
  prvTwoFactor: "Tweestapsverificatie",
  prvTwoFactorOn: "Aan: bij het inloggen vragen we ook een code uit uw authenticator-app.",
  prvTwoFactorOff: "Uit. Zet het aan voor extra bescherming van uw medische gegevens.",
  prvTwoFactorStaff: "Verplicht voor artsen en beheerders.",
  prvTurnOff: "Uitzetten",
  prvNewCodes: "Nieuwe herstelcodes",
  prvSessions: "Ingelogde apparaten",
  prvSessionsHint:
    "Elke sessie eindigt vanzelf als hij een tijd niet gebruikt wordt. Herkent u er een niet? Beëindig hem en wijzig uw wachtwoord.",
  prvThisDevice: "dit apparaat",
  prvLastSeen: "laatst gebruikt",
  prvEnds: "eindigt",
  prvEndSession: "Beëindigen",
  prvEnded: "De sessie is beëindigd.",
};

export const en: typeof nl = {
  prvCodeTitle: "Code from your authenticator app",
  prvCodeHint:
    "Open the authenticator app on your phone and type the six-digit code. No phone at hand? Use one of your recovery codes.",
  prvCode: "Code",
  prvConfirm: "Confirm",
  prvWrongCode: "This code is wrong, already used or expired. Try the current code.",
  prvTooMany: "Too many wrong codes. Wait a moment and try again.",
  prvFailed: "That did not work. Try again.",
  prvEnrolTitle: "Set up two-step sign-in",
  prvEnrolStaff:
    "Doctors and administrators sign in with a second step: a code from an authenticator app. Set it up now.",
  prvEnrolStart: "Set up",
  prvEnrolScan:
    "Scan this QR code with your authenticator app, or type in the key. Then enter the code the app shows.",
  prvQrAlt: "QR code to set up the authenticator app",
  prvSecret: "Key",
  prvRecoveryTitle: "Your recovery codes",
  prvRecoveryHint:
    "Keep these codes somewhere safe. Each works once, when your phone is not at hand. You see them only now.",
  prvContinue: "Continue",
  prvPasswordWrong: "The password is wrong.",
  prvSecurity: "Security",
  prvSecurityLink: "Security and sessions",
  prvTwoFactor: "Two-step sign-in",
  prvTwoFactorOn: "On: signing in also asks for a code from your authenticator app.",
  prvTwoFactorOff: "Off. Turn it on to protect your medical data further.",
  prvTwoFactorStaff: "Required for doctors and administrators.",
  prvTurnOff: "Turn off",
  prvNewCodes: "New recovery codes",
  prvSessions: "Signed-in devices",
  prvSessionsHint:
    "Each session ends by itself when it is not used for a while. Do you not recognise one? End it and change your password.",
  prvThisDevice: "this device",
  prvLastSeen: "last used",
  prvEnds: "ends",
  prvEndSession: "End",
  prvEnded: "The session has ended.",
};
