# A watch event (`kubectl get --watch-only --output-watch-events -o json`) as one line; $kind is pod or node.
{t: (now * 1000 | floor), type: $kind, ev: .type, o: (.object | if $kind == "pod" then pod else node end)}
