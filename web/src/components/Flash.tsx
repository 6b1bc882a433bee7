import { useState } from "react";
import { takeFlash } from "../lib/flash";
import { Alert } from "./feedback";

export function Flash() {
  const [message] = useState(() => takeFlash());
  return message ? <Alert variant="success">{message}</Alert> : null;
}
