// Texts of the technical support page's connection check: a real call into
// a test room of our video service, and the fixes for what fails.

export const nl = {
  conTitle: "Verbinding met onze videoserver",
  conIntro:
    "We bellen een testkamer op onze videoserver, precies zoals de wachtkamer dat doet. U ziet en hoort daar alleen uzelf terug; niemand anders kijkt mee en er wordt niets opgenomen.",
  conTesting: "We meten uw verbinding, dat duurt ongeveer tien seconden…",
  conGenerated:
    "Uw camera of microfoon doet niet mee, dus we sturen een testbeeld en een testtoon in plaats daarvan.",
  conIce: "Verbinding opgezet",
  conIce_host: "rechtstreeks",
  conIce_srflx: "via uw router",
  conIce_prflx: "via uw router",
  conIce_relay: "via onze doorgeefserver (TURN)",
  conIceFailed: "Er kwam geen verbinding met onze videoserver.",
  conRelayNote:
    "Uw netwerk laat geen rechtstreekse verbinding toe, daarom loopt het gesprek via onze doorgeefserver. Dat werkt, maar kan iets vertragen.",
  conQuality: "Snelheid en stabiliteit",
  conMedia: "Beeld en geluid komen terug",
  conMediaBack: "{frames} beelden en {packets} geluidspakketjes kwamen terug.",
  conMediaNone: "Er is verbinding, maar uw beeld en geluid kwamen niet terug.",
  conAgain: "Test de verbinding opnieuw",
  conFixesTitle: "Zo lost u het op",
  supFix_conn_proxy_windows:
    "Gebruikt uw computer een proxyserver? Kijk bij Instellingen › Netwerk en internet › Proxy. Een proxy van uw werk of school laat webpagina’s door maar videobellen vaak niet: vraag de beheerder om onze videoserver toe te staan, of gebruik een ander netwerk.",
  supFix_conn_proxy_macos:
    "Gebruikt uw Mac een proxyserver? Kijk bij Systeeminstellingen › Netwerk › (uw netwerk) › Details › Proxy’s. Een proxy van uw werk of school laat videobellen vaak niet door: vraag de beheerder om onze videoserver toe te staan, of gebruik een ander netwerk.",
  supFix_conn_proxy_ios:
    "Staat er een proxy ingesteld? Kijk bij Instellingen › Wifi › (i) naast uw netwerk › Proxy configureren en kies Uit, of probeer mobiele data.",
  supFix_conn_proxy_android:
    "Staat er een proxy ingesteld? Kijk in de geavanceerde instellingen van uw wifinetwerk bij Proxy en kies Geen, of probeer mobiele data.",
  supFix_conn_proxy:
    "Een proxyserver van uw werk of school laat webpagina’s door maar videobellen vaak niet. Vraag de beheerder om onze videoserver toe te staan, of gebruik een ander netwerk.",
  supFix_conn_windows_firewall:
    "Vroeg Windows of uw browser het netwerk mag gebruiken? Sta het toe via Windows-beveiliging › Firewall- en netwerkbeveiliging › Een app toestaan via de firewall (uw browser, voor privé- en openbare netwerken).",
  supFix_conn_macos_firewall:
    "Staat de firewall van uw Mac aan, sta dan uw browser toe bij Systeeminstellingen › Netwerk › Firewall › Opties.",
  supFix_conn_extensions:
    "Zet browserextensies uit die WebRTC blokkeren of uw IP-adres verbergen (privacy-, advertentieblokker- of VPN-extensies) en test opnieuw.",
  supFix_conn_firefox:
    "Typ in Firefox about:config in de adresbalk, zoek media.peerconnection.enabled en zorg dat het op true staat.",
  supFix_conn_mobile: "Zit u op wifi, probeer dan mobiele data (of andersom).",
  supFix_conn_nomedia:
    "De verbinding komt tot stand, maar iets op uw netwerk of computer houdt beeld en geluid tegen, bijvoorbeeld een strenge firewall of beveiligingsprogramma. Probeer een ander netwerk.",
};

export const en: Record<keyof typeof nl, string> = {
  conTitle: "Connection to our video server",
  conIntro:
    "We call a test room on our video server, exactly as the waiting room does. There you see and hear only yourself; nobody else watches and nothing is recorded.",
  conTesting: "Measuring your connection; this takes about ten seconds…",
  conGenerated:
    "Your camera or microphone is not available, so we send a test picture and a test tone instead.",
  conIce: "Connection set up",
  conIce_host: "directly",
  conIce_srflx: "through your router",
  conIce_prflx: "through your router",
  conIce_relay: "through our relay server (TURN)",
  conIceFailed: "No connection to our video server could be made.",
  conRelayNote:
    "Your network does not allow a direct connection, so the call goes through our relay server. That works, but may add some delay.",
  conQuality: "Speed and stability",
  conMedia: "Picture and sound come back",
  conMediaBack: "{frames} frames and {packets} sound packets came back.",
  conMediaNone: "The connection is there, but your picture and sound did not come back.",
  conAgain: "Test the connection again",
  conFixesTitle: "How to fix it",
  supFix_conn_proxy_windows:
    "Does your computer use a proxy server? Look under Settings › Network & internet › Proxy. A work or school proxy lets web pages through but often not video calls: ask the administrator to allow our video server, or use another network.",
  supFix_conn_proxy_macos:
    "Does your Mac use a proxy server? Look under System Settings › Network › (your network) › Details › Proxies. A work or school proxy often blocks video calls: ask the administrator to allow our video server, or use another network.",
  supFix_conn_proxy_ios:
    "Is a proxy set? Look under Settings › Wi-Fi › (i) next to your network › Configure Proxy and choose Off, or try mobile data.",
  supFix_conn_proxy_android:
    "Is a proxy set? Look in your Wi-Fi network's advanced settings under Proxy and choose None, or try mobile data.",
  supFix_conn_proxy:
    "A work or school proxy server lets web pages through but often not video calls. Ask the administrator to allow our video server, or use another network.",
  supFix_conn_windows_firewall:
    "Did Windows ask whether your browser may use the network? Allow it under Windows Security › Firewall & network protection › Allow an app through firewall (your browser, for private and public networks).",
  supFix_conn_macos_firewall:
    "If your Mac's firewall is on, allow your browser under System Settings › Network › Firewall › Options.",
  supFix_conn_extensions:
    "Switch off browser extensions that block WebRTC or hide your IP address (privacy, ad-blocking or VPN extensions) and test again.",
  supFix_conn_firefox:
    "In Firefox, type about:config in the address bar, search for media.peerconnection.enabled and make sure it is true.",
  supFix_conn_mobile: "On Wi-Fi? Try mobile data instead (or the other way round).",
  supFix_conn_nomedia:
    "The connection is made, but something on your network or computer holds back picture and sound, such as a strict firewall or security program. Try another network.",
};
