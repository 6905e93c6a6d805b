// Ephemeral tunnel services: a throw-away name that forwards to somebody's own machine. Kept
// apart from hosts.ts so its class table stays as it is. Pure lookup, no DNS.

/** Base domains whose sub-domains are tunnels (the bare domain is the vendor's own site). */
const tunnelBases = [
  "ngrok.io",
  "ngrok.app",
  "ngrok.dev",
  "ngrok-free.app",
  "ngrok-free.dev",
  "trycloudflare.com",
  "loca.lt",
  "localtunnel.me",
  "serveo.net",
  "serveousercontent.com",
  "localhost.run",
  "lhr.life",
  "lhr.rocks",
  "pinggy.link",
  "pinggy.online",
  "free.pinggy.net",
  "a.pinggy.io",
  "tunnelto.dev",
  "pagekite.me",
  "loophole.site",
  "localto.net",
  "tuns.sh",
  "devtunnels.ms",
  "share.zrok.io",
  "telebit.io",
  "bore.digital",
];
/** Hosts that are tunnels themselves (they hand out ports, not sub-domains). */
const tunnelHosts = new Set(["bore.pub"]);

/** The tunnel service a host belongs to, or undefined. */
export function tunnelService(host: string): string | undefined {
  const h = host.toLowerCase();
  if (tunnelHosts.has(h)) return h;
  for (const base of tunnelBases) if (h.length > base.length && h.endsWith(`.${base}`)) return base;
  return undefined;
}
