import { createServer, type AddressInfo } from "node:net";

/**
 * A loopback port with nothing listening on it: bound on 127.0.0.1, then closed, so a client
 * that connects is refused at once (an unreachable endpoint, for error-message tests).
 */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
