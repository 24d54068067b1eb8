import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from "react";
import { api, setRequestLanguage, type User } from "./api/client";
import { Link } from "./components";
import { I18nContext, type Lang, languages, pickLang, translate } from "./i18n";
import {
  ForgotPasswordPage,
  LoginPage,
  RegisterPage,
  ResetPasswordPage,
  VerifyEmailPage,
} from "./pages/auth";
import { ConsultationPage } from "./pages/consultation";
import { NotFoundPage, PaymentReturnPage, ReviewPage } from "./pages/misc";
import { PortalPage } from "./pages/portal";
import { AccountPage, FavouritesPage } from "./pages/portalAccount";
import { DoctorProfilePage, DoctorSearchPage, PublicHomePage } from "./pages/public";
import { pendingSecondFactor, SecurityPage } from "./pages/secondFactor";
import { navigate, useRoute } from "./router";
import { SessionContext } from "./session";

// Pages a patient does not need on arrival load on first use, which keeps
// the entry bundle small (web/e2e/bench.mjs measures it).
const BookingPage = lazy(() => import("./pages/booking").then((m) => ({ default: m.BookingPage })));
const BookingIntakePage = lazy(() =>
  import("./pages/booking").then((m) => ({ default: m.BookingIntakePage })),
);
const BookingDonePage = lazy(() => import("./pages/booking").then((m) => ({ default: m.BookingDonePage })));
const ConditionsPage = lazy(() =>
  import("./pages/publicConditions").then((m) => ({ default: m.ConditionsPage })),
);
const ConditionPage = lazy(() =>
  import("./pages/publicConditions").then((m) => ({ default: m.ConditionPage })),
);
const WizardPage = lazy(() => import("./pages/publicConditions").then((m) => ({ default: m.WizardPage })));
const DoctorHomePage = lazy(() => import("./pages/dashboard").then((m) => ({ default: m.DoctorHomePage })));
const DoctorConsultationPage = lazy(() =>
  import("./pages/dashboardConsultation").then((m) => ({ default: m.DoctorConsultationPage })),
);
const AvailabilityPage = lazy(() =>
  import("./pages/dashboardSettings").then((m) => ({ default: m.AvailabilityPage })),
);
const FeesPage = lazy(() => import("./pages/dashboardSettings").then((m) => ({ default: m.FeesPage })));
const ProfileEditPage = lazy(() =>
  import("./pages/dashboardSettings").then((m) => ({ default: m.ProfileEditPage })),
);
const InvoicesPage = lazy(() =>
  import("./pages/dashboardRecords").then((m) => ({ default: m.InvoicesPage })),
);
const ReviewsPage = lazy(() => import("./pages/dashboardRecords").then((m) => ({ default: m.ReviewsPage })));
const ConditionReviewPage = lazy(() =>
  import("./pages/dashboardRecords").then((m) => ({ default: m.ConditionReviewPage })),
);
const DoctorPatientsPage = lazy(() =>
  import("./pages/record").then((m) => ({ default: m.DoctorPatientsPage })),
);
const DoctorRecordPage = lazy(() => import("./pages/record").then((m) => ({ default: m.DoctorRecordPage })));
const PortalRecordPage = lazy(() => import("./pages/record").then((m) => ({ default: m.PortalRecordPage })));
const PayoutsPage = lazy(() => import("./pages/dashboardPayouts").then((m) => ({ default: m.PayoutsPage })));
const PayoutsConnectedPage = lazy(() =>
  import("./pages/dashboardPayouts").then((m) => ({ default: m.PayoutsConnectedPage })),
);
const QuestionnairePage = lazy(() =>
  import("./pages/questionnaire").then((m) => ({ default: m.QuestionnairePage })),
);
const QuestionnairesPage = lazy(() =>
  import("./pages/dashboardQuestionnaires").then((m) => ({ default: m.QuestionnairesPage })),
);
const AccessLogPage = lazy(() => import("./pages/accessLog").then((m) => ({ default: m.AccessLogPage })));
const PrivacyPage = lazy(() => import("./pages/privacy").then((m) => ({ default: m.PrivacyPage })));
const DoctorPatientAccessLogPage = lazy(() =>
  import("./pages/accessLog").then((m) => ({ default: m.DoctorPatientAccessLogPage })),
);
const AdminPatientAccessLogPage = lazy(() =>
  import("./pages/accessLog").then((m) => ({ default: m.AdminPatientAccessLogPage })),
);
const AdminAccessSearchPage = lazy(() =>
  import("./pages/accessLog").then((m) => ({ default: m.AdminAccessSearchPage })),
);
const AdminPage = lazy(() => import("./pages/admin").then((m) => ({ default: m.AdminPage })));
const ContactPage = lazy(() => import("./pages/contact").then((m) => ({ default: m.ContactPage })));
const AdminContactPage = lazy(() => import("./pages/contact").then((m) => ({ default: m.AdminContactPage })));
const DoctorVideoRoomPage = lazy(() =>
  import("./pages/videoDoctor").then((m) => ({ default: m.DoctorVideoRoomPage })),
);
const WalkInPage = lazy(() => import("./pages/walkIn").then((m) => ({ default: m.WalkInPage })));
const VideoWaitingRoomPage = lazy(() =>
  import("./pages/videoWaiting").then((m) => ({ default: m.VideoWaitingRoomPage })),
);

const WaitlistPage = lazy(() => import("./pages/waitlist").then((m) => ({ default: m.WaitlistPage })));
const WaitlistOfferPage = lazy(() =>
  import("./pages/waitlist").then((m) => ({ default: m.WaitlistOfferPage })),
);
const HelpPage = lazy(() => import("./pages/help").then((m) => ({ default: m.HelpPage })));
const HelpEntryPage = lazy(() => import("./pages/help").then((m) => ({ default: m.HelpEntryPage })));
const TechnicalSupportPage = lazy(() =>
  import("./pages/support").then((m) => ({ default: m.TechnicalSupportPage })),
);
const BookingWidgetPage = lazy(() =>
  import("./pages/widgets").then((m) => ({ default: m.BookingWidgetPage })),
);
const WalkInWidgetPage = lazy(() => import("./pages/widgets").then((m) => ({ default: m.WalkInWidgetPage })));
const DoctorWidgetsPage = lazy(() =>
  import("./pages/dashboardWidgets").then((m) => ({ default: m.DoctorWidgetsPage })),
);

const AdminDoctorsPage = lazy(() =>
  import("./pages/onboarding").then((m) => ({ default: m.AdminDoctorsPage })),
);
const WelcomePage = lazy(() => import("./pages/onboarding").then((m) => ({ default: m.WelcomePage })));
const DoctorGuidePage = lazy(() =>
  import("./pages/onboarding").then((m) => ({ default: m.DoctorGuidePage })),
);
const MessagesPage = lazy(() => import("./pages/messages").then((m) => ({ default: m.MessagesPage })));
const ThreadPage = lazy(() => import("./pages/messages").then((m) => ({ default: m.ThreadPage })));
const MessageDoctorPage = lazy(() =>
  import("./pages/messages").then((m) => ({ default: m.MessageDoctorPage })),
);
const DoctorMessagesPage = lazy(() =>
  import("./pages/messages").then((m) => ({ default: m.DoctorMessagesPage })),
);
const DoctorThreadPage = lazy(() =>
  import("./pages/messages").then((m) => ({ default: m.DoctorThreadPage })),
);

const langKey = "derma.lang";

/** Each role's own start page and its name in the header. */
const homeLabel = { patient: "myConsultations", doctor: "doctorDashboard", admin: "admTitle" } as const;
function homeOf(role: User["role"]): string {
  return role === "doctor" ? "/doctor" : role === "admin" ? "/admin" : "/consultations";
}

export function App() {
  const route = useRoute();
  const [lang, setLangState] = useState<Lang>(() => {
    const l = pickLang(new URLSearchParams(location.search).get("lang"), localStorage.getItem(langKey));
    setRequestLanguage(l);
    return l;
  });
  const [user, setUser] = useState<User | null | undefined>(undefined);

  const setLang = useCallback((l: Lang) => {
    localStorage.setItem(langKey, l);
    setRequestLanguage(l);
    setLangState(l);
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const refresh = useCallback(async () => {
    try {
      const { data } = await api.GET("/v1/me");
      setUser(data ?? null);
    } catch {
      setUser(null);
    }
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  const adopt = useCallback((l: string) => {
    if (
      (l === "nl" || l === "en") &&
      !localStorage.getItem(langKey) &&
      !new URLSearchParams(location.search).get("lang")
    ) {
      setRequestLanguage(l);
      setLangState(l);
    }
  }, []);
  // A logged-in user's saved language applies where this browser has no choice of its own.
  useEffect(() => {
    if (user) adopt(user.language);
  }, [user, adopt]);
  const i18n = useMemo(
    () => ({ lang, setLang, adopt, t: (k: string) => translate(lang, k) }),
    [lang, setLang, adopt],
  );
  const session = useMemo(() => ({ user, refresh }), [user, refresh]);
  // A session that still owes the second factor reaches nothing else: the
  // login page asks for it and returns here.
  useEffect(() => {
    if (pendingSecondFactor(user) && route.name !== "login") {
      navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`, true);
    }
  }, [user, route.name]);
  const t = i18n.t;

  const logout = async () => {
    await api.POST("/v1/auth/logout");
    setUser(null);
    navigate("/");
  };

  // A widget sits in a frame on a practice's own site: no header, no footer.
  if (route.name === "widgetBooking" || route.name === "widgetWalkIn")
    return (
      <I18nContext.Provider value={i18n}>
        <SessionContext.Provider value={session}>
          <main id="main" className="widget-main">
            <Suspense fallback={<p aria-busy="true">{t("loading")}</p>}>
              <Page name={route.name} params={route.params} query={route.query} />
            </Suspense>
          </main>
        </SessionContext.Provider>
      </I18nContext.Provider>
    );

  return (
    <I18nContext.Provider value={i18n}>
      <SessionContext.Provider value={session}>
        <header className="top">
          <Link href="/" className="brand">
            Derma2Go
          </Link>
          <nav aria-label="account">
            <Link href="/help">{t("hlpNav")}</Link>
            {user ? (
              <>
                <Link href={homeOf(user.role)}>{t(homeLabel[user.role])}</Link>
                <button type="button" className="link" onClick={() => void logout()}>
                  {t("logout")}
                </button>
              </>
            ) : user === null ? (
              <Link href="/login">{t("login")}</Link>
            ) : null}
            <fieldset className="langs">
              <legend className="visually-hidden">{t("language")}</legend>
              {languages.map((l) => (
                <button
                  key={l}
                  type="button"
                  className={l === lang ? "lang active" : "lang"}
                  aria-pressed={l === lang}
                  onClick={() => setLang(l)}
                >
                  {l.toUpperCase()}
                </button>
              ))}
            </fieldset>
          </nav>
        </header>
        <main id="main">
          <Suspense fallback={<p aria-busy="true">{t("loading")}</p>}>
            <Page name={route.name} params={route.params} query={route.query} />
          </Suspense>
        </main>
        <footer className="bottom">
          <nav aria-label={t("ctFooterContact")}>
            <Link href="/contact">{t("ctFooterContact")}</Link> <Link href="/help">{t("hlpTitle")}</Link>
          </nav>
        </footer>
      </SessionContext.Provider>
    </I18nContext.Provider>
  );
}

function Page({ name, params, query }: ReturnType<typeof useRoute>) {
  const id = params.id ?? "";
  switch (name) {
    case "home":
      return <PublicHomePage />;
    case "doctorSearch":
      return <DoctorSearchPage query={query} />;
    case "doctorProfile":
      return <DoctorProfilePage key={id} id={id} />;
    case "walkIn":
      return <WalkInPage key={id} doctorId={id} />;
    case "conditions":
      return <ConditionsPage query={query} />;
    case "condition":
      return <ConditionPage key={params.slug} slug={params.slug ?? ""} />;
    case "wizard":
      return <WizardPage />;
    case "booking":
      return <BookingPage key={params.doctorId} doctorId={params.doctorId ?? ""} query={query} />;
    case "bookingIntake":
      return <BookingIntakePage key={id} id={id} access={query.get("access") ?? ""} />;
    case "bookingDone":
      return <BookingDonePage key={id} id={id} access={query.get("access") ?? ""} />;
    case "login":
      return <LoginPage next={query.get("next")} />;
    case "register":
      return <RegisterPage next={query.get("next")} />;
    case "forgotPassword":
      return <ForgotPasswordPage />;
    case "resetPassword":
      return <ResetPasswordPage token={query.get("token") ?? ""} />;
    case "verifyEmail":
      return <VerifyEmailPage token={query.get("token") ?? ""} />;
    case "paymentReturn":
      return <PaymentReturnPage id={query.get("consultation") ?? ""} access={query.get("access") ?? ""} />;
    case "portal":
      return <PortalPage />;
    case "consultation":
      return <ConsultationPage key={id} id={id} access={query.get("access") ?? ""} focus="overview" />;
    case "intake":
      return (
        <ConsultationPage key={`${id}/intake`} id={id} access={query.get("access") ?? ""} focus="intake" />
      );
    case "review":
      return <ReviewPage id={id} access={query.get("access") ?? ""} />;
    case "questionnaire":
      return <QuestionnairePage key={id} id={id} access={query.get("access") ?? ""} />;
    case "waitingRoom":
      return <VideoWaitingRoomPage id={id} access={query.get("access") ?? ""} />;
    case "doctorHome":
      return <DoctorHomePage />;
    case "doctorConsultation":
      return <DoctorConsultationPage key={id} id={id} />;
    case "doctorVideoRoom":
      return <DoctorVideoRoomPage key={id} id={id} />;
    case "account":
      return <AccountPage />;
    case "favourites":
      return <FavouritesPage />;
    case "accessLog":
      return <AccessLogPage />;
    case "privacy":
      return <PrivacyPage />;
    case "waitlist":
      return <WaitlistPage />;
    case "waitlistOffer":
      return <WaitlistOfferPage key={id} id={id} />;
    case "security":
      return <SecurityPage />;
    case "doctorAvailability":
      return <AvailabilityPage />;
    case "doctorFees":
      return <FeesPage />;
    case "doctorPayouts":
      return <PayoutsPage />;
    case "doctorPayoutsConnected":
      return <PayoutsConnectedPage />;
    case "doctorProfileEdit":
      return <ProfileEditPage />;
    case "doctorInvoices":
      return <InvoicesPage />;
    case "doctorReviews":
      return <ReviewsPage />;
    case "doctorConditions":
      return <ConditionReviewPage />;
    case "doctorPatients":
      return <DoctorPatientsPage />;
    case "doctorRecord":
      return <DoctorRecordPage key={id} id={id} />;
    case "myRecord":
      return <PortalRecordPage />;
    case "doctorQuestionnaires":
      return <QuestionnairesPage />;
    case "admin":
      return <AdminPage />;
    case "contact":
      return <ContactPage doctorId={query.get("doctor") ?? ""} />;
    case "adminContact":
      return <AdminContactPage />;
    case "adminAccessLog":
      return <AdminAccessSearchPage />;
    case "adminPatientAccessLog":
      return <AdminPatientAccessLogPage key={id} id={id} />;
    case "doctorPatientAccessLog":
      return <DoctorPatientAccessLogPage key={id} id={id} />;
    case "messages":
      return <MessagesPage />;
    case "messageThread":
      return <ThreadPage key={id} id={id} />;
    case "messageDoctor":
      return <MessageDoctorPage key={params.doctorId} doctorId={params.doctorId ?? ""} />;
    case "doctorMessages":
      return <DoctorMessagesPage />;
    case "doctorMessageThread":
      return <DoctorThreadPage key={id} id={id} />;
    case "help":
      return <HelpPage />;
    case "helpEntry":
      return <HelpEntryPage key={id} id={id} />;
    case "supportTechnical":
      return <TechnicalSupportPage />;
    case "doctorWidgets":
      return <DoctorWidgetsPage />;
    case "widgetBooking":
      return <BookingWidgetPage key={params.doctorId} doctorId={params.doctorId ?? ""} />;
    case "widgetWalkIn":
      return <WalkInWidgetPage key={params.doctorId} doctorId={params.doctorId ?? ""} />;
    case "adminDoctors":
      return <AdminDoctorsPage />;
    case "doctorWelcome":
      return <WelcomePage token={query.get("token") ?? ""} />;
    case "doctorGuide":
      return <DoctorGuidePage />;
    default:
      return <NotFoundPage />;
  }
}
