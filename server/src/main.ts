import { createConnection, ProposedFeatures } from "vscode-languageserver/node";
import { startServer } from "./server";

// The language server process: a connection over stdio (or IPC, as the client chooses), nothing else.
startServer(createConnection(ProposedFeatures.all));
