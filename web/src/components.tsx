import type { AnchorHTMLAttributes, ReactNode } from "react";
import { navigate } from "./router";

/** Link navigates inside the client without a reload (and works as a plain link). */
export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const { href, onClick, ...rest } = props;
  return (
    <a
      href={href}
      onClick={(e) => {
        onClick?.(e);
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        if (!href.startsWith("/") || href.startsWith("/v1/")) return;
        e.preventDefault();
        navigate(href);
      }}
      {...rest}
    />
  );
}

export function Notice({ kind, children }: { kind: "info" | "error" | "ok"; children: ReactNode }) {
  return (
    <p className={`notice notice-${kind}`} role={kind === "error" ? "alert" : "status"}>
      {children}
    </p>
  );
}

export function Field({
  label,
  id,
  children,
  error,
}: {
  label: string;
  id: string;
  children: ReactNode;
  error?: string;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {error ? (
        <span className="field-error" id={`${id}-error`}>
          {error}
        </span>
      ) : null}
    </div>
  );
}
