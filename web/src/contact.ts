// Checks of the contact form made before it is sent.

/** contactErrors checks the form before it is sent, naming each field that is wrong. */
export function contactErrors(v: { name: string; email: string; message: string }): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!v.name.trim()) errors.name = "ctErrName";
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.email.trim())) errors.email = "ctErrEmail";
  if (!v.message.trim()) errors.message = "ctErrMessage";
  return errors;
}
