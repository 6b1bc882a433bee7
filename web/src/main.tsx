import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "../node_modules/dkfds/dist/css/dkfds.min.css";
import "./app.css";
import { App } from "./App";

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
