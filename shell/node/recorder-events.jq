[.items[] | select(.source.component == "kubelet" and (.reason == "Starting" or .reason == "NodeNotSchedulable" or .reason == "NodeSchedulable" or .reason == "NodeReady" or .reason == "NodeNotReady"))
 | {node: .involvedObject.name, reason: .reason, time: (.lastTimestamp // .eventTime // .firstTimestamp), first: .firstTimestamp, count: (.count // 1)}]
