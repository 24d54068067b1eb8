// Texts of the help pages: the FAQ, the technical support page and the
// doctor's getting-started guide with its checklist.

export const nl = {
  hlpNav: "Help",
  hlpTitle: "Veelgestelde vragen",
  hlpIntro:
    "Antwoorden op de vragen die patiënten ons het vaakst stellen. Staat uw vraag er niet bij? Neem contact op.",
  hlpSearch: "Zoek in de vragen",
  hlpSearchHint: "Bijvoorbeeld: annuleren, recept, pincode",
  hlpResults: "{n} antwoorden gevonden",
  hlpNone: "Geen antwoord gevonden op “{q}”. Probeer andere woorden of neem contact met ons op.",
  hlpAct: "Ga naar de pagina",
  hlpBack: "Alle vragen",
  hlpNotFound: "Deze vraag bestaat niet (meer).",
  hlpTechnical: "Werkt uw camera, microfoon of verbinding niet? Test het op de pagina technische hulp.",
  hlpContact: "Contact en klachten",
  hlpCat_consult: "Consulten en betalen",
  hlpCat_booking: "Boeken",
  hlpCat_account: "Account en inloggen",
  hlpCat_portal: "Advies, recepten en pincode",
  hlpCat_cancelling: "Annuleren",
  hlpCat_money: "Vergoeding",
  hlpCat_technical: "Techniek",
  hlpCat_privacy: "Privacy en beveiliging",
  hlpCat_contact: "Klachten",
  supTitle: "Technische hulp",
  supIntro:
    "Deze pagina test uw eigen browser, zoals de wachtkamer dat doet: camera, microfoon, luidspreker, browserversie en de verbinding met onze videoserver. Lukt iets niet, dan ziet u hoe u het oplost op uw apparaat.",
  supBrowser: "Browser",
  supBrowserIs: "U gebruikt {browser} {version} op {os}.",
  supBrowserUnknown:
    "We herkennen deze browser niet. Videobellen werkt zeker in een recente Chrome, Edge, Firefox of Safari.",
  supBrowserOld: "Deze versie is te oud voor videobellen; u heeft minstens versie {min} nodig.",
  supStart: "Start de test",
  supState_idle: "nog niet getest",
  supState_testing: "bezig…",
  supState_ok: "werkt",
  supState_failed: "werkt niet",
  supState_warn: "werkt, met beperking",
  supBrowser_chrome: "Chrome",
  supBrowser_edge: "Edge",
  supBrowser_firefox: "Firefox",
  supBrowser_safari: "Safari",
  supBrowser_samsung: "Samsung Internet",
  supBrowser_opera: "Opera",
  supBrowser_other: "een onbekende browser",
  supOS_ios: "iPhone of iPad",
  supOS_android: "Android",
  supOS_windows: "Windows",
  supOS_macos: "macOS",
  supOS_linux: "Linux",
  supOS_other: "een onbekend systeem",
  supNoSinkChoice:
    "In deze browser kunt u op de pagina geen luidspreker kiezen; het geluid gaat naar de standaarduitgang van uw apparaat.",
  supToFAQ: "Naar de veelgestelde vragen",
  supFix_denied_chromium:
    "Klik links in de adresbalk op het slotje of het camera-icoon, kies Site-instellingen en zet Camera en Microfoon op Toestaan.",
  supFix_denied_firefox:
    "Klik in de adresbalk op het doorgestreepte camera- of microfoonicoon, haal de blokkering weg en sta de vraag daarna toe.",
  supFix_denied_safari:
    "Kies in de menubalk Safari › Instellingen voor deze website en zet Camera en Microfoon op Sta toe.",
  supFix_denied_macos:
    "Open op de Mac Systeeminstellingen › Privacy en beveiliging › Camera (en Microfoon) en zet uw browser aan. Start de browser daarna opnieuw.",
  supFix_denied_windows:
    "Open in Windows Instellingen › Privacy en beveiliging › Camera (en Microfoon) en zet ‘Apps toegang geven’ en ‘Desktop-apps toegang geven’ aan.",
  supFix_denied_ios:
    "Open Instellingen › Safari › Camera en Microfoon en kies Vraag of Sta toe. Tik daarna in Safari op ‘aA’ in de adresbalk › Website-instellingen.",
  supFix_denied_ios_app:
    "Gebruikt u een andere browser dan Safari, zet die dan aan bij Instellingen › (naam van de app) › Camera en Microfoon, of open deze pagina in Safari.",
  supFix_denied_android: "Tik in de adresbalk op het slotje › Machtigingen en zet Camera en Microfoon aan.",
  supFix_denied_android_system:
    "Staat het daar al aan? Open Instellingen › Apps › (uw browser) › Machtigingen en sta Camera en Microfoon toe.",
  supFix_reload: "Laad deze pagina daarna opnieuw en start de test nog eens.",
  supFix_busy_close:
    "Een ander programma gebruikt de camera of microfoon al, bijvoorbeeld Teams, Zoom, Skype of een ander tabblad met een videogesprek. Sluit dat af.",
  supFix_busy_windows:
    "Helpt dat niet, kijk dan of de camera een schuifje of privacyknop heeft, en start de computer zo nodig opnieuw.",
  supFix_busy_phone:
    "Sluit op uw telefoon andere apps die de camera gebruiken, ook een lopend telefoongesprek.",
  supFix_retry: "Klik daarna op Opnieuw proberen.",
  supFix_missing_plug:
    "We vinden het apparaat niet. Sluit een webcam of headset aan, of kies het juiste apparaat in de lijst.",
  supFix_missing_laptop:
    "Op een laptop staat de camera soms uit met een toets (vaak met een camera-icoon) of een schuifje boven het scherm.",
  supFix_old:
    "Werk uw browser bij naar de nieuwste versie, of gebruik een recente Chrome, Edge, Firefox of Safari.",
  supFix_old_ios:
    "Werk uw iPhone of iPad bij via Instellingen › Algemeen › Software-update, en gebruik bij voorkeur Safari.",
  supFix_insecure:
    "Deze pagina is niet via een beveiligde verbinding (https) geopend, en dan geeft de browser geen toegang tot camera of microfoon. Open het adres met https://.",
  supFix_speaker:
    "Hoort u de toon niet? Zet het volume hoger, kies een andere luidspreker in de lijst hieronder of controleer of uw headset is verbonden.",
  supFix_speaker_safari:
    "Kies de luidspreker in de geluidsinstellingen van uw Mac; Safari gebruikt die standaarduitgang.",
  supFix_speaker_ios:
    "Kies uw AirPods of luidspreker in het Bedieningspaneel (veeg omlaag vanaf rechtsboven), en zet het geluid hoger met de volumeknoppen. Staat de stille modus aan, dan hoort u de test soms niet.",
  supFix_conn_network:
    "Ga dichter bij uw wifi-router zitten of gebruik een kabel, en stop downloads en streams op hetzelfde netwerk.",
  supFix_conn_firewall:
    "Op een bedrijfs- of schoolnetwerk blokkeert een firewall soms videobellen (UDP). Probeer een ander netwerk, zoals de hotspot van uw telefoon, of vraag de beheerder verkeer naar onze videoserver toe te staan.",
  supFix_conn_vpn: "Zet een VPN tijdelijk uit.",
  supFix_other: "Start de browser opnieuw en probeer het nog eens.",
  supWaitingHelp: "Werkt uw camera, microfoon of verbinding niet? Bekijk de technische hulp.",
};

export const en: Record<keyof typeof nl, string> = {
  hlpNav: "Help",
  hlpTitle: "Frequently asked questions",
  hlpIntro: "Answers to the questions patients ask us most. Is yours not here? Get in touch.",
  hlpSearch: "Search the questions",
  hlpSearchHint: "For example: cancel, prescription, PIN",
  hlpResults: "{n} answers found",
  hlpNone: "No answer found for “{q}”. Try other words or contact us.",
  hlpAct: "Go to the page",
  hlpBack: "All questions",
  hlpNotFound: "This question does not exist (any more).",
  hlpTechnical: "Camera, microphone or connection not working? Test it on the technical help page.",
  hlpContact: "Contact and complaints",
  hlpCat_consult: "Consultations and payment",
  hlpCat_booking: "Booking",
  hlpCat_account: "Account and login",
  hlpCat_portal: "Advice, prescriptions and PIN",
  hlpCat_cancelling: "Cancelling",
  hlpCat_money: "Reimbursement",
  hlpCat_technical: "Technical",
  hlpCat_privacy: "Privacy and security",
  hlpCat_contact: "Complaints",
  supTitle: "Technical help",
  supIntro:
    "This page tests your own browser the way the waiting room does: camera, microphone, speaker, browser version and the connection to our video server. If something fails, it tells you how to fix it on your device.",
  supBrowser: "Browser",
  supBrowserIs: "You are using {browser} {version} on {os}.",
  supBrowserUnknown:
    "We don't recognise this browser. Video calls certainly work in a recent Chrome, Edge, Firefox or Safari.",
  supBrowserOld: "This version is too old for video calls; you need at least version {min}.",
  supStart: "Start the test",
  supState_idle: "not tested yet",
  supState_testing: "testing…",
  supState_ok: "works",
  supState_failed: "does not work",
  supState_warn: "works, with a limitation",
  supBrowser_chrome: "Chrome",
  supBrowser_edge: "Edge",
  supBrowser_firefox: "Firefox",
  supBrowser_safari: "Safari",
  supBrowser_samsung: "Samsung Internet",
  supBrowser_opera: "Opera",
  supBrowser_other: "an unknown browser",
  supOS_ios: "iPhone or iPad",
  supOS_android: "Android",
  supOS_windows: "Windows",
  supOS_macos: "macOS",
  supOS_linux: "Linux",
  supOS_other: "an unknown system",
  supNoSinkChoice:
    "This browser does not let a page choose the speaker; sound goes to your device's default output.",
  supToFAQ: "To the frequently asked questions",
  supFix_denied_chromium:
    "Click the padlock or camera icon at the left of the address bar, choose Site settings and set Camera and Microphone to Allow.",
  supFix_denied_firefox:
    "Click the crossed-out camera or microphone icon in the address bar, remove the block, then allow the question.",
  supFix_denied_safari:
    "In the menu bar choose Safari › Settings for this website and set Camera and Microphone to Allow.",
  supFix_denied_macos:
    "On the Mac open System Settings › Privacy & Security › Camera (and Microphone) and switch your browser on. Then restart the browser.",
  supFix_denied_windows:
    "In Windows open Settings › Privacy & security › Camera (and Microphone) and switch on ‘Let apps access’ and ‘Let desktop apps access’.",
  supFix_denied_ios:
    "Open Settings › Safari › Camera and Microphone and choose Ask or Allow. Then in Safari tap ‘aA’ in the address bar › Website Settings.",
  supFix_denied_ios_app:
    "Using a browser other than Safari? Switch it on under Settings › (the app's name) › Camera and Microphone, or open this page in Safari.",
  supFix_denied_android:
    "Tap the padlock in the address bar › Permissions and switch on Camera and Microphone.",
  supFix_denied_android_system:
    "Already on there? Open Settings › Apps › (your browser) › Permissions and allow Camera and Microphone.",
  supFix_reload: "Then reload this page and start the test again.",
  supFix_busy_close:
    "Another program is already using the camera or microphone, for example Teams, Zoom, Skype or another tab with a video call. Close it.",
  supFix_busy_windows:
    "If that doesn't help, check whether the camera has a slider or privacy button, and restart the computer if needed.",
  supFix_busy_phone:
    "On your phone, close other apps that use the camera, including a phone call in progress.",
  supFix_retry: "Then click Try again.",
  supFix_missing_plug:
    "We cannot find the device. Connect a webcam or headset, or choose the right device in the list.",
  supFix_missing_laptop:
    "On a laptop the camera is sometimes switched off with a key (often with a camera icon) or a slider above the screen.",
  supFix_old: "Update your browser to the newest version, or use a recent Chrome, Edge, Firefox or Safari.",
  supFix_old_ios:
    "Update your iPhone or iPad under Settings › General › Software Update, and preferably use Safari.",
  supFix_insecure:
    "This page was not opened over a secure connection (https), and then the browser gives no access to camera or microphone. Open the address with https://.",
  supFix_speaker:
    "Can't hear the tone? Turn the volume up, choose another speaker in the list below or check that your headset is connected.",
  supFix_speaker_safari: "Choose the speaker in your Mac's sound settings; Safari uses that default output.",
  supFix_speaker_ios:
    "Choose your AirPods or speaker in Control Centre (swipe down from the top right) and turn the sound up with the volume buttons. In silent mode you may not hear the test.",
  supFix_conn_network:
    "Sit closer to your wifi router or use a cable, and stop downloads and streams on the same network.",
  supFix_conn_firewall:
    "On a company or school network a firewall sometimes blocks video calls (UDP). Try another network, such as your phone's hotspot, or ask the administrator to allow traffic to our video server.",
  supFix_conn_vpn: "Switch off a VPN for a while.",
  supFix_other: "Restart the browser and try again.",
  supWaitingHelp: "Camera, microphone or connection not working? See technical help.",
};
