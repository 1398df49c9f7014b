// The HAProxy configuration for a DataPlaneConfig: a pure function, records in, text out.
//
// - Each target group is a backend with a fixed number of server slots (t1..tN); targets take free slots
//   through the runtime API, so registering and deregistering never needs a reload. The slot table says
//   which target is in which slot, so that a reload keeps every target where it is.
// - Each listener is a frontend. ALB rules are evaluated as ELBv2 does, lowest priority first, first match
//   wins: the first rule whose conditions all hold writes its number in `txn.rule`, and every action is
//   guarded by that number. (HAProxy itself runs `http-request` actions before `use_backend`, which would
//   let a redirect of priority 20 beat a forward of priority 10.)
// - A condition with several values is one named ACL declared once per value: HAProxy ORs the
//   declarations of one name, and ANDs the ACLs of one `if`, as ELBv2 ORs values and ANDs conditions.
import type { RuleCondition } from '../core/elbv2.js';
import type { DataPlaneAction, DataPlaneBackend, DataPlaneConfig, DataPlaneFrontend, DataPlaneTarget } from '../core/load-balancer.js';
import type { TlsVersion } from '../core/elbv2-ssl-policies.js';
import { cipherList, configName, configWord as word, headerName, headerNameArg, logFormatText, port, serverAddress, sourceBlock } from './haproxy-encoding.js';

export interface HaproxyPaths {
  adminSocket: string;
  serverStateFile: string;
}

/** For each backend id, its slots in order (t1 first); undefined is a free slot. */
export type SlotTable = ReadonlyMap<string, readonly (DataPlaneTarget | undefined)[]>;

export interface HaproxyConfigInput {
  config: DataPlaneConfig;
  slots: SlotTable;
  paths: HaproxyPaths;
  /** Where the PEM bundle of a listener certificate has been written. */
  certificateFile(pem: string): string;
  /** The unprivileged user (and group of that name) workers run as; absent: as whoever started HAProxy. */
  user?: string;
}

export const backendName = (id: string) => configName(`tg_${id}`);
export const frontendName = (id: string) => configName(`listener_${id}`);
export const slotName = (index: number) => `t${index + 1}`;

export function renderHaproxyConfig(input: HaproxyConfigInput): string {
  const { config, slots, paths } = input;
  const lines = [
    'global',
    // The runtime API; `expose-fd listeners` lets a reloading process take the listening sockets over,
    // so no connection is refused while the old worker hands over.
    `  stats socket ${word(paths.adminSocket)} mode 600 level admin expose-fd listeners`,
    `  server-state-file ${word(paths.serverStateFile)}`,
    // Workers drop root once their sockets are bound (the master keeps it, to read this file at a reload).
    ...(input.user ? [`  user ${word(input.user)}`, `  group ${word(input.user)}`] : []),
    // An old worker keeps serving the connections it has after a reload, but not forever.
    '  hard-stop-after 15m',
    '',
    'defaults',
    '  timeout connect 5s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  timeout tunnel 1h',
    // Health and drain states survive a reload: the old process's states are saved to this file first.
    '  load-server-state-from-file global',
    // A target that refuses a connection (a task going away) costs a retry on another target, not an error.
    '  retries 2',
    '  option redispatch 1',
    '',
  ];
  for (const frontend of config.frontends) lines.push(...renderFrontend(frontend, input), '');
  for (const backend of config.backends) lines.push(...renderBackend(backend, slots.get(backend.id) ?? []), '');
  return lines.join('\n');
}

function renderFrontend(f: DataPlaneFrontend, input: HaproxyConfigInput): string[] {
  const tls = f.certificates.length > 0 ? ` ssl ${f.certificates.map((pem) => `crt ${word(input.certificateFile(pem))}`).join(' ')}${tlsPolicy(f.tls)}${mutualTlsBind(f, input)}` : '';
  const lines = [`frontend ${frontendName(f.id)}`, `  mode ${f.mode}`, `  bind ${serverAddress(f.address)}:${port(f.port)}${tls}`, `  timeout client ${seconds(f.idleTimeoutSeconds)}`];
  // The load balancer's security groups: a connection from a source they do not let in is refused at once.
  if (f.allowedSources) {
    lines.push(f.allowedSources.length ? `  tcp-request connection reject unless { src ${f.allowedSources.map(sourceBlock).join(' ')} }` : '  tcp-request connection reject');
  }
  if (f.mode === 'tcp') {
    // NLB listeners have a default action only: a forward, to one target group or to several by weight.
    const forward = f.rules.at(-1)?.action;
    if (forward?.type === 'forward') lines.push(...tcpForward(forward.targetGroups));
    return lines;
  }
  const scheme = tls ? 'https' : 'http';
  lines.push('  option forwardfor', `  http-request set-header X-Forwarded-Proto ${scheme}`, `  http-request set-header X-Forwarded-Port ${f.port}`);
  if (f.mutualTls && tls) lines.push(...mutualTlsHeaders(f.mutualTls));
  // http-after-response: on every answer, the targets' and those the listener makes itself (fixed responses,
  // redirects), which `http-response` rules never see.
  if (f.removeServerHeader) lines.push('  http-after-response del-header server');
  for (const header of f.responseHeaders ?? []) lines.push(`  http-after-response set-header ${headerName(header.name)} ${word(logFormatText(header.value))}`);
  const only = f.rules.length === 1 ? f.rules[0]!.action : undefined;
  if (only?.type === 'forward' && only.targetGroups.filter((g) => g.weight > 0).length === 1) {
    // A listener with its default action only: nothing to evaluate per request.
    lines.push(`  default_backend ${backendName(only.targetGroups.find((g) => g.weight > 0)!.backendId)}`);
    return lines;
  }
  const matched = (n: number) => `{ var(txn.rule) -m int eq ${n} }`;
  f.rules.forEach((rule, n) => {
    const acls = rule.conditions.map((condition, c) => {
      const name = `r${n}c${c}`;
      for (const test of conditionTests(condition)) lines.push(`  acl ${name} ${test}`);
      return name;
    });
    lines.push(`  http-request set-var(txn.rule) int(${n}) if !{ var(txn.rule) -m found }${acls.map((a) => ` ${a}`).join('')}`);
  });
  f.rules.forEach((rule, n) => lines.push(...renderAction(rule.action, matched(n), { scheme, port: f.port })));
  return lines;
}

const HAPROXY_TLS_VERSIONS: Record<TlsVersion, string> = { TLSv1: 'TLSv1.0', 'TLSv1.1': 'TLSv1.1', 'TLSv1.2': 'TLSv1.2', 'TLSv1.3': 'TLSv1.3' };
const TLS_ORDER: readonly TlsVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** A listener's security policy on its bind line: the versions it allows (a contiguous range, as in every ELBv2 policy) and its ciphers. */
function tlsPolicy(policy: DataPlaneFrontend['tls']): string {
  if (!policy) return '';
  const versions = TLS_ORDER.filter((v) => policy.protocols.includes(v));
  if (versions.length === 0) throw new Error('a TLS policy allows no TLS version');
  const legacy = versions[0] === 'TLSv1' || versions[0] === 'TLSv1.1';
  const options = [`ssl-min-ver ${HAPROXY_TLS_VERSIONS[versions[0]!]}`, `ssl-max-ver ${HAPROXY_TLS_VERSIONS[versions.at(-1)!]}`];
  if (policy.ciphers.length) options.push(`ciphers ${cipherList(policy.ciphers, legacy ? 0 : undefined)}`);
  if (policy.suites.length) options.push(`ciphersuites ${cipherList(policy.suites)}`);
  return ` ${options.join(' ')}`;
}

/** The files a frontend's configuration names, by their PEM content: certificates, CA bundles, revocation lists. */
export const frontendFiles = (f: DataPlaneFrontend): string[] => [
  ...f.certificates,
  ...(f.mutualTls?.mode === 'verify' ? [f.mutualTls.caCertificates, ...(f.mutualTls.revocations ? [f.mutualTls.revocations] : [])] : []),
];

/** X509_V_ERR_CERT_HAS_EXPIRED and X509_V_ERR_CERT_NOT_YET_VALID: what IgnoreClientCertificateExpiry lets through. */
const EXPIRY_ERRORS = '9,10';

function mutualTlsBind(f: DataPlaneFrontend, input: HaproxyConfigInput): string {
  const m = f.mutualTls;
  if (!m) return '';
  if (m.mode === 'verify') {
    const crl = m.revocations ? ` crl-file ${word(input.certificateFile(m.revocations))}` : '';
    return ` verify required ca-file ${word(input.certificateFile(m.caCertificates))}${crl}${m.ignoreExpiry ? ` crt-ignore-err ${EXPIRY_ERRORS}` : ''}${m.advertiseCaNames ? '' : ' no-ca-names'}`;
  }
  // Passthrough asks for a certificate and takes any, or none. HAProxy wants a CA file to ask with: the
  // listener's own certificate serves, as nothing is verified against it.
  return ` verify optional ca-file ${word(input.certificateFile(f.certificates[0]!))} ca-ignore-err all crt-ignore-err all no-ca-names`;
}

// The client certificate as ELBv2 passes it: URL-encoded PEM (`%0A` newlines, `%20` spaces; base64 has no
// other character to encode but `+`, `/` and `=`, which ELBv2 leaves as they are too).
const LEAF_PEM = `${logFormatText('-----BEGIN%20CERTIFICATE-----%0A')}%[ssl_c_der,base64]${logFormatText('%0A-----END%20CERTIFICATE-----%0A')}`;

/** The headers that carry the client's certificate to targets; a client's own headers of those names are dropped first. */
function mutualTlsHeaders(m: NonNullable<DataPlaneFrontend['mutualTls']>): string[] {
  const values: [string, string][] =
    m.mode === 'verify'
      ? [
          [m.headers.serialNumber, '%[ssl_c_serial,hex]'],
          [m.headers.issuer, '%[ssl_c_i_dn(,0,rfc2253)]'],
          [m.headers.subject, '%[ssl_c_s_dn(,0,rfc2253)]'],
          [m.headers.validity, 'NotBefore=%[ssl_c_notbefore];NotAfter=%[ssl_c_notafter]'],
          [m.headers.leaf, LEAF_PEM],
        ]
      : [[m.headers.certificate, LEAF_PEM]];
  return values.flatMap(([name, value]) => [`  http-request del-header ${headerName(name)}`, `  http-request set-header ${headerName(name)} ${word(value)} if { ssl_c_used }`]);
}

function renderAction(action: DataPlaneAction, when: string, listener: { scheme: string; port: number }): string[] {
  switch (action.type) {
    case 'forward': {
      const groups = action.targetGroups.filter((g) => g.weight > 0);
      if (groups.length === 0) return [`  http-request return status 503 if ${when}`];
      if (groups.length === 1) return [`  use_backend ${backendName(groups[0]!.backendId)} if ${when}`];
      return [`  http-request set-var(txn.weight) rand(${totalWeight(groups)}) if ${when}`, ...weightedBackends(groups, `${when} `)];
    }
    case 'redirect': {
      const code = ` code ${action.statusCode}`;
      const base = redirectBase(action, listener);
      const query = substitute(action.query, listener);
      if (query === '') return [`  http-request redirect location ${word(base)}${code} if ${when}`];
      // `?` only when there is a query to put after it.
      return [
        `  http-request redirect location ${word(`${base}?${query}`)}${code} if ${when} { ${queryNonEmpty(action.query)} }`,
        `  http-request redirect location ${word(base)}${code} if ${when}`,
      ];
    }
    case 'fixed-response': {
      // HAProxy wants a content type with a body; ELBv2's default is text/plain.
      const body = action.messageBody ? ` content-type ${word(action.contentType ?? 'text/plain')} string ${word(action.messageBody)}` : '';
      const type = !action.messageBody && action.contentType ? ` content-type ${word(action.contentType)}` : '';
      return [`  http-request return status ${action.statusCode}${type}${body} if ${when}`];
    }
  }
}

/** An NLB listener's forward: one draw per connection when it splits between target groups; none with weight, no connection. */
function tcpForward(targetGroups: readonly { backendId: string; weight: number }[]): string[] {
  const groups = targetGroups.filter((g) => g.weight > 0);
  if (groups.length === 0) return ['  tcp-request content reject'];
  if (groups.length === 1) return [`  default_backend ${backendName(groups[0]!.backendId)}`];
  return [`  tcp-request content set-var(txn.weight) rand(${totalWeight(groups)})`, ...weightedBackends(groups, '')];
}

const totalWeight = (groups: readonly { weight: number }[]) => groups.reduce((sum, g) => sum + g.weight, 0);

/** Weighted: the draw (txn.weight, below the total) compared against the running sums of the weights; the last group takes the rest. */
function weightedBackends(groups: readonly { backendId: string; weight: number }[], when: string): string[] {
  let upTo = 0;
  return groups.map((g, i) => {
    upTo += g.weight;
    const draw = i === groups.length - 1 ? '' : `{ var(txn.weight) -m int lt ${upTo} }`;
    const condition = `${when}${draw}`.trim();
    return `  use_backend ${backendName(g.backendId)}${condition ? ` if ${condition}` : ''}`;
  });
}

// ELBv2's redirect placeholders (#{protocol}, #{host}, #{port}, #{path} without its leading slash, #{query})
// become HAProxy sample expressions; a default port is left out of the URL.
const PLACEHOLDER = /#\{(protocol|host|port|path|query)\}/g;

function substitute(template: string, listener: { scheme: string; port: number }): string {
  return logFormatText(template).replace(PLACEHOLDER, (_, name: string) => {
    if (name === 'protocol') return listener.scheme;
    if (name === 'port') return String(listener.port);
    if (name === 'host') return '%[req.hdr(host),field(1,:)]';
    if (name === 'path') return '%[path,regsub(^/,)]';
    return '%[query]';
  });
}

function redirectBase(action: Extract<DataPlaneAction, { type: 'redirect' }>, listener: { scheme: string; port: number }): string {
  const protocol = action.protocol.replace('#{protocol}', listener.scheme).toLowerCase();
  const port = action.port.replace('#{port}', String(listener.port));
  const defaultPort = (protocol === 'http' && port === '80') || (protocol === 'https' && port === '443');
  return `${substitute(protocol, listener)}://${substitute(action.host, listener)}${defaultPort ? '' : `:${substitute(port, listener)}`}${substitute(action.path, listener)}`;
}

const queryNonEmpty = (template: string) => (template.includes('#{query}') && template.replace('#{query}', '') === '' ? 'query -m len gt 0' : 'always_true');

/** The HAProxy tests of one ELBv2 condition (ORed by the caller), from its *Config form or its legacy `Values`. */
export function conditionTests(condition: RuleCondition): string[] {
  const values = (config?: { Values?: string[] }) => config?.Values ?? condition.Values ?? [];
  switch (condition.Field) {
    case 'path-pattern':
      return [`path -m reg ${patterns(values(condition.PathPatternConfig))}`];
    case 'host-header':
      return [`req.hdr(host),field(1,:) -m reg -i ${patterns(values(condition.HostHeaderConfig))}`];
    case 'http-header': {
      const header = headerNameArg(condition.HttpHeaderConfig?.HttpHeaderName ?? '');
      return [`${word(`req.hdr(${header})`)} -m reg -i ${patterns(condition.HttpHeaderConfig?.Values ?? [])}`];
    }
    case 'http-request-method':
      return [`method ${(condition.HttpRequestMethodConfig?.Values ?? []).map(word).join(' ')}`];
    case 'source-ip':
      return [`src ${(condition.SourceIpConfig?.Values ?? []).map(word).join(' ')}`];
    case 'query-string':
      // Matched in the raw query string, one `key=value` pair between `&`s; no key: any key.
      return (condition.QueryStringConfig?.Values ?? []).map(({ Key, Value }) => {
        const key = Key === undefined ? '[^=&]*' : wildcard(Key, '[^=&]');
        return `query -m reg -i ${word(`(^|&)${key}=${wildcard(Value ?? '', '[^&]')}(&|$)`)}`;
      });
    default:
      throw new Error(`unsupported rule condition ${condition.Field}`);
  }
}

/**
 * ELBv2 wildcards (`*` any run, `?` one character, `\*` and `\?` themselves) as a regular expression;
 * `any` is what one character may be.
 */
function wildcard(value: string, any = '.'): string {
  return value.replace(/\\[*?]|[*?]|[.+^${}()|[\]\\]/g, (token) => {
    if (token === '*') return `${any}*`;
    if (token === '?') return any;
    return token.length === 2 ? token : `\\${token}`;
  });
}

const patterns = (values: string[]) => values.map((v) => word(`^${wildcard(v)}$`)).join(' ');

/** HAProxy's timers hold at most 2^31 - 1 milliseconds. */
export const MAX_TIMEOUT_SECONDS = Math.floor(2147483647 / 1000);

/** Seconds for a timeout or an interval (0: a timeout that never fires). */
function seconds(value: number): string {
  if (!Number.isInteger(value) || value < 0 || value > MAX_TIMEOUT_SECONDS) throw new Error(`'${value}' is not a number of seconds`);
  return `${value}s`;
}

function renderBackend(b: DataPlaneBackend, slots: readonly (DataPlaneTarget | undefined)[]): string[] {
  const lines = [`backend ${backendName(b.id)}`, `  mode ${b.mode}`, `  balance ${b.algorithm}`];
  if (b.timeouts) lines.push(`  timeout server ${seconds(b.timeouts.serverSeconds)}`, `  timeout tunnel ${seconds(b.timeouts.tunnelSeconds)}`);
  const hc = b.healthCheck;
  const server: string[] = [];
  if (hc) {
    if (hc.protocol !== 'TCP') {
      lines.push('  option httpchk', `  http-check send meth GET uri ${word(hc.path)} ver HTTP/1.1 hdr Host localhost`);
      lines.push(`  http-check expect status ${statusRanges(hc.matcher)}`);
    }
    lines.push(`  timeout check ${seconds(hc.timeoutSeconds)}`);
    // A target whose health is changing (between its thresholds) or down is checked every second; a steady
    // healthy one at the interval, as ELBv2 checks. A new target then serves within about one interval of
    // registering (its first check comes on the interval's schedule, the rest a second apart), not after
    // HealthyThresholdCount intervals; a failing target leaves rotation as quickly.
    const fast = seconds(Math.min(1, hc.intervalSeconds));
    server.push('check', `inter ${seconds(hc.intervalSeconds)}`, `fastinter ${fast}`, `downinter ${fast}`, `fall ${count(hc.unhealthyThreshold)}`, `rise ${count(hc.healthyThreshold)}`);
    if (hc.port !== undefined) server.push(`port ${port(hc.port)}`);
    if (hc.protocol === 'HTTPS') server.push('check-ssl');
  }
  if (b.tls) server.push('ssl verify none');
  if (b.slowStartSeconds > 0) server.push(`slowstart ${seconds(b.slowStartSeconds)}`);
  if (b.stickiness?.type === 'lb_cookie') lines.push(`  cookie AWSALB insert indirect nocache maxlife ${seconds(b.stickiness.durationSeconds)}`);
  if (b.stickiness?.type === 'source_ip') lines.push('  stick-table type ip size 100k expire 30m', '  stick on src');
  if (server.length > 0) lines.push(`  default-server ${server.join(' ')}`);
  slots.forEach((target, i) => {
    const cookie = b.stickiness?.type === 'lb_cookie' ? ` cookie ${slotName(i)}` : '';
    if (!target) lines.push(`  server ${slotName(i)} 0.0.0.0:0 disabled${cookie}`);
    else lines.push(`  server ${slotName(i)} ${serverAddress(target.address)}:${port(target.port)}${target.draining ? ' weight 0' : ''}${cookie}`);
  });
  return lines;
}

function count(value: number): string {
  if (!Number.isInteger(value) || value < 1) throw new Error(`'${value}' is not a count`);
  return String(value);
}

/** The largest HTTP status code a matcher can name. */
const MAX_STATUS = 599;

/**
 * An ELBv2 matcher (`200`, `200,202`, `200-299`) as HAProxy's list of codes and ranges, merged: however many
 * parts the matcher has, the result has at most one range per run of codes between 100 and 599.
 */
export function statusRanges(matcher: string): string {
  const matched = new Uint8Array(MAX_STATUS + 2);
  for (const part of matcher.split(',')) {
    const bounds = /^\s*(\d{3})(?:-(\d{3}))?\s*$/.exec(part);
    if (!bounds) throw new Error(`'${part}' is not an HTTP code or range of codes`);
    const low = Math.max(100, Number(bounds[1]));
    const high = Math.min(MAX_STATUS, Number(bounds[2] ?? bounds[1]));
    for (let code = low; code <= high; code++) matched[code] = 1;
  }
  const ranges: string[] = [];
  for (let code = 100; code <= MAX_STATUS; code++) {
    if (!matched[code] || matched[code - 1]) continue;
    let end = code;
    while (matched[end + 1]) end++;
    ranges.push(end === code ? String(code) : `${code}-${end}`);
  }
  if (ranges.length === 0) throw new Error(`matcher '${matcher}' names no HTTP code`);
  return ranges.join(',');
}
