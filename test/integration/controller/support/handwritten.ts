import type { PodSpec, PolicySpec, Scenario, ServiceSpec } from './scenario';

const HTTP_8080 = [{ name: 'http', containerPort: 8080 }];
const HTTP_9090 = [{ name: 'http', containerPort: 9090 }];

function pod(name: string, labels: Record<string, string>, extra: Partial<PodSpec> = {}): PodSpec {
  return { namespace: 'a', name, labels, containers: [HTTP_8080], ip: 'status', phase: 'Running', ...extra };
}

function policy(name: string, spec: Record<string, unknown>, namespace = 'a'): PolicySpec {
  return { namespace, name, spec };
}

function service(name: string, extra: Partial<ServiceSpec> = {}): ServiceSpec {
  return {
    namespace: 'a',
    name,
    kind: 'ClusterIP',
    selector: { app: 'api' },
    ports: [{ name: 'web', port: 80, targetPort: 8080, protocol: 'TCP' }],
    ...extra,
  };
}

const WEB = { matchLabels: { app: 'web' } };
const API = { matchLabels: { app: 'api' } };
const BASE_PODS = [
  pod('web-1', { app: 'web', tier: 'front' }),
  pod('api-1', { app: 'api', tier: 'back' }),
  pod('api-2', { app: 'api', tier: 'back' }, { containers: [HTTP_9090] }),
];

function scenario(name: string, parts: Partial<Scenario>): Scenario {
  return {
    name,
    namespaces: { a: { team: 'a' }, b: { team: 'b' } },
    pods: BASE_PODS,
    services: [],
    policies: [],
    plantedCollisions: [],
    ...parts,
  };
}

const ingressFromWeb = (ports: unknown[]) => ({
  podSelector: API,
  ingress: [{ from: [{ podSelector: WEB }], ports }],
});

const egressTo = (to: unknown[], ports?: unknown[]) => ({
  podSelector: WEB,
  policyTypes: ['Egress'],
  egress: [{ to, ...(ports === undefined ? {} : { ports }) }],
});

/** One scenario per rule of controller.md §2 (and the §1.5 step-1 entry key), named after the rule. */
export const HANDWRITTEN: readonly Scenario[] = [
  scenario('2.1 a port without protocol defaults to TCP', {
    policies: [policy('p', { podSelector: API, ingress: [{ ports: [{ port: 8080 }] }] })],
  }),
  scenario('2.2 podSelectorEndpoints: ready pods of the policy namespace matching podSelector', {
    pods: [...BASE_PODS, pod('api-b', { app: 'api' }, { namespace: 'b' })],
    policies: [policy('p', { podSelector: API, policyTypes: ['Ingress'] })],
  }),
  scenario('2.2 hostNetwork pods are not selected', {
    pods: [...BASE_PODS, pod('api-host', { app: 'api' }, { hostNetwork: true })],
    policies: [policy('p', { podSelector: API, policyTypes: ['Ingress'] })],
  }),
  scenario('2.2 Succeeded and Failed pods are not selected, Pending pods are', {
    pods: [
      pod('api-done', { app: 'api' }, { phase: 'Succeeded' }),
      pod('api-failed', { app: 'api' }, { phase: 'Failed' }),
      pod('api-pending', { app: 'api' }, { phase: 'Pending' }),
    ],
    policies: [policy('p', { podSelector: API, policyTypes: ['Ingress'] })],
  }),
  scenario('2.2 the IP comes from the vpc.amazonaws.com/pod-ips annotation when the status has none', {
    pods: [
      pod('api-annotated', { app: 'api' }, { ip: 'annotation' }),
      pod('api-no-ip', { app: 'api' }, { ip: 'none' }),
    ],
    policies: [policy('p', { podSelector: API, ingress: [{ from: [{ podSelector: API }] }] })],
  }),
  scenario('2.3 namespaceSelector selects pods in every matching namespace', {
    pods: [...BASE_PODS, pod('web-b', { app: 'web' }, { namespace: 'b' })],
    policies: [policy('p', { podSelector: API, ingress: [{ from: [{ namespaceSelector: {} }] }] })],
  }),
  scenario('2.3 namespaceSelector with podSelector', {
    pods: [
      ...BASE_PODS,
      pod('web-b', { app: 'web' }, { namespace: 'b' }),
      pod('db-b', { app: 'db' }, { namespace: 'b' }),
    ],
    policies: [
      policy('p', {
        podSelector: API,
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'b' } }, podSelector: WEB }] }],
      }),
    ],
  }),
  scenario('2.3 a podSelector peer without namespaceSelector stays in the policy namespace', {
    pods: [...BASE_PODS, pod('web-b', { app: 'web' }, { namespace: 'b' })],
    policies: [policy('p', { podSelector: API, ingress: [{ from: [{ podSelector: WEB }] }] })],
  }),
  scenario('2.3 hostNetwork and pending peer pods are included, terminal ones are not', {
    pods: [
      ...BASE_PODS,
      pod('web-host', { app: 'web' }, { hostNetwork: true }),
      pod('web-pending', { app: 'web' }, { phase: 'Pending' }),
      pod('web-done', { app: 'web' }, { phase: 'Succeeded' }),
    ],
    policies: [policy('p', { podSelector: API, ingress: [{ from: [{ podSelector: WEB }] }] })],
  }),
  scenario('2.3 matchExpressions In, NotIn, Exists, DoesNotExist', {
    pods: [...BASE_PODS, pod('db-1', { app: 'db' }), pod('plain', {})],
    policies: [
      policy('in', { podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['api', 'db'] }] } }),
      policy('notin', { podSelector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['api'] }] } }),
      policy('exists', {
        podSelector: API,
        ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] } }] }],
      }),
      policy('absent', {
        podSelector: API,
        ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] } }] }],
      }),
    ],
  }),
  scenario('2.4 ingress without from allows 0.0.0.0/0 and ::/0', {
    policies: [policy('p', { podSelector: API, ingress: [{ ports: [{ protocol: 'TCP', port: 443 }] }] })],
  }),
  scenario('2.4 ingress ipBlock with except in both families', {
    policies: [
      policy('p', {
        podSelector: API,
        ingress: [
          {
            from: [
              { ipBlock: { cidr: '172.16.0.0/12', except: ['172.16.5.0/24', '172.16.1.0/24'] } },
              { ipBlock: { cidr: 'fd00::/64', except: ['fd00::/80'] } },
            ],
          },
        ],
      }),
    ],
  }),
  scenario('2.4 a named ingress port resolves on the destination pods, differently per pod (union)', {
    policies: [
      policy(
        'p',
        ingressFromWeb([
          { protocol: 'TCP', port: 'http' },
          { protocol: 'UDP', port: 53 },
        ]),
      ),
    ],
  }),
  scenario('2.4 a rule whose named ports no destination pod declares is dropped', {
    policies: [
      policy('p', {
        podSelector: API,
        ingress: [
          { from: [{ podSelector: WEB }], ports: [{ protocol: 'TCP', port: 'grpc' }] },
          { from: [{ podSelector: WEB }], ports: [{ protocol: 'UDP', port: 'http' }] },
        ],
      }),
    ],
  }),
  scenario('2.4 numeric ports convert directly even without a ready destination pod', {
    policies: [
      policy('p', {
        podSelector: { matchLabels: { app: 'none' } },
        ingress: [{ from: [{ podSelector: WEB }], ports: [{ protocol: 'TCP', port: 80 }] }],
      }),
    ],
  }),
  scenario('2.4 protocol-only ports, SCTP, UDP and endPort', {
    policies: [
      policy(
        'p',
        ingressFromWeb([
          { protocol: 'SCTP' },
          { protocol: 'UDP', port: 5000, endPort: 5100 },
          { protocol: 'SCTP', port: 9 },
        ]),
      ),
    ],
  }),
  scenario('2.5 egress without to: allow-all with numeric ports, named ports dropped', {
    policies: [
      policy('p', {
        podSelector: WEB,
        policyTypes: ['Egress'],
        egress: [
          {
            ports: [
              { protocol: 'TCP', port: 'http' },
              { protocol: 'TCP', port: 443 },
            ],
          },
        ],
      }),
      policy('only-named', {
        podSelector: WEB,
        policyTypes: ['Egress'],
        egress: [{ ports: [{ protocol: 'TCP', port: 'http' }] }],
      }),
    ],
  }),
  scenario('2.5 egress ipBlock with except, named ports dropped', {
    policies: [
      policy(
        'p',
        egressTo(
          [{ ipBlock: { cidr: '10.200.0.0/16', except: ['10.200.1.0/24'] } }],
          [
            { protocol: 'TCP', port: 'http' },
            { protocol: 'UDP', port: 53 },
          ],
        ),
      ),
      policy('only-named', egressTo([{ ipBlock: { cidr: '10.201.0.0/16' } }], [{ protocol: 'TCP', port: 'http' }])),
    ],
  }),
  scenario('2.5 egress to pods resolves named ports per destination pod and skips pods without them', {
    pods: [...BASE_PODS, pod('api-3', { app: 'api' }, { containers: [[{ name: 'metrics', containerPort: 9100 }]] })],
    policies: [
      policy(
        'p',
        egressTo(
          [{ podSelector: API }],
          [
            { protocol: 'TCP', port: 'http' },
            { protocol: 'TCP', port: 9000, endPort: 9999 },
          ],
        ),
      ),
    ],
  }),
  scenario(
    '2.6 Services whose selector equals or is a superset of the peer selector get their ClusterIP, subsets do not',
    {
      services: [
        service('equal'),
        service('superset', { selector: { app: 'api', tier: 'back' } }),
        service('subset', { selector: { tier: 'back' } }),
      ],
      policies: [policy('p', egressTo([{ podSelector: API }], [{ protocol: 'TCP', port: 8080 }]))],
    },
  ),
  scenario('2.6 headless and ExternalName Services are skipped, selector-less ones match a namespace-only peer', {
    services: [
      service('headless', { kind: 'Headless' }),
      service('external', { kind: 'ExternalName', selector: undefined }),
      service('no-selector', { selector: undefined, ports: [{ port: 5432, protocol: 'TCP' }] }),
      service('equal'),
    ],
    policies: [policy('p', egressTo([{ namespaceSelector: { matchLabels: { team: 'a' } } }]))],
  }),
  scenario('2.6 a numeric rule port finds the Service listen port through a named targetPort on the pods', {
    services: [service('named-target', { ports: [{ name: 'web', port: 80, targetPort: 'http', protocol: 'TCP' }] })],
    policies: [policy('p', egressTo([{ podSelector: API }], [{ protocol: 'TCP', port: 8080 }]))],
  }),
  scenario('2.6 named-targetPort bypass guard skips a Service port whose pods listen outside the rule', {
    services: [service('guarded', { ports: [{ name: 'web', port: 80, targetPort: 'http', protocol: 'TCP' }] })],
    policies: [policy('p', egressTo([{ podSelector: API }], [{ protocol: 'TCP', port: 9090 }]))],
  }),
  scenario('2.6 multi-port Service: each rule port maps to its own listen port, endPort copied', {
    services: [
      service('multi', {
        ports: [
          { name: 'web', port: 80, targetPort: 8080, protocol: 'TCP' },
          { name: 'dns', port: 53, targetPort: 5353, protocol: 'UDP' },
          { name: 'alt', port: 81, protocol: 'TCP' },
        ],
      }),
    ],
    policies: [
      policy(
        'p',
        egressTo(
          [{ podSelector: API }],
          [
            { protocol: 'TCP', port: 8080, endPort: 8090 },
            { protocol: 'UDP', port: 5353 },
            { protocol: 'TCP', port: 81 },
            { protocol: 'SCTP' },
          ],
        ),
      ),
    ],
  }),
  scenario('2.8 rules are not filtered by policyTypes', {
    policies: [
      policy('p', {
        podSelector: API,
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: WEB }] }],
        egress: [{ to: [{ podSelector: WEB }] }],
      }),
      policy('q', { podSelector: WEB, policyTypes: ['Egress'], ingress: [{ from: [{ podSelector: API }] }] }),
    ],
  }),
  scenario('2.8 default deny: podIsolation with no entries', {
    policies: [policy('deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })],
  }),
  scenario('2.9 an ipBlock 0.0.0.0/0 is copied without ::/0', {
    policies: [policy('p', egressTo([{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }]))],
  }),
  scenario('1.5 entry-key collision: 80-81 and 8081 to one peer, one entry lost', {
    policies: [
      policy('collide', {
        podSelector: API,
        ingress: [
          { from: [{ ipBlock: { cidr: '10.250.0.0/16' } }], ports: [{ protocol: 'TCP', port: 80, endPort: 81 }] },
          { from: [{ ipBlock: { cidr: '10.250.0.0/16' } }], ports: [{ protocol: 'TCP', port: 8081 }] },
        ],
      }),
    ],
    plantedCollisions: [{ checkId: 'CP-PE-ENTRY-KEY-COLLISION', policy: 'a/collide', direction: 'ingress' }],
  }),
  scenario('1.5 entry-key collision: 1-234 and 12-34 egress to one pod', {
    pods: [pod('web-1', { app: 'web' }), pod('api-1', { app: 'api' })],
    policies: [
      policy('collide', {
        podSelector: WEB,
        policyTypes: ['Egress'],
        egress: [
          { to: [{ podSelector: API }], ports: [{ protocol: 'TCP', port: 1, endPort: 234 }] },
          { to: [{ podSelector: API }], ports: [{ protocol: 'TCP', port: 12, endPort: 34 }] },
        ],
      }),
    ],
    plantedCollisions: [{ checkId: 'CP-PE-ENTRY-KEY-COLLISION', policy: 'a/collide', direction: 'egress' }],
  }),
];
