// The overview's warning that a doctor without a connected Mollie account
// cannot be booked online (Mollie Connect); the payouts page fixes it.
import { api } from "../api/client";
import { Link } from "../components";
import { useI18n } from "../i18n";
import { useLoad } from "./publicParts";

/** PayoutBanner tells a doctor on the overview that patients cannot book them online yet. */
export function PayoutBanner() {
  const { t } = useI18n();
  const [loaded] = useLoad((signal) => api.GET("/v1/doctor/payments/connection", { signal }), []);
  if (loaded.state !== "ok" || !loaded.value.required || loaded.value.connected) return null;
  return (
    <div className="notice notice-error" role="alert" data-testid="payouts-banner">
      <p>{t("payBanner")}</p>
      <Link href="/doctor/payouts">{t("payTitle")}</Link>
    </div>
  );
}
