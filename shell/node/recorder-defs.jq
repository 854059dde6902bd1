# One pod / node / PDB reduced to what the observed facts need (shared by snapshots and watches).
def cond(t): ([.status.conditions[]? | select(.type == t) | .status][0] == "True");
def node: {name: .metadata.name, unsched: (.spec.unschedulable // false), ready: cond("Ready")};
def pod: {ns: .metadata.namespace, name: .metadata.name, node: (.spec.nodeName // ""),
  phase: .status.phase, ready: cond("Ready"), owner: (.metadata.ownerReferences[0].kind // ""),
  mirror: (.metadata.annotations["kubernetes.io/config.mirror"] != null), del: (.metadata.deletionTimestamp != null),
  labels: (.metadata.labels // {})};
def pdb: {ns: .metadata.namespace, name: .metadata.name, min: .spec.minAvailable,
  maxUnavailable: .spec.maxUnavailable, sel: (.spec.selector.matchLabels // {}),
  desired: .status.desiredHealthy, healthy: .status.currentHealthy};
