{nodes: [.items[] | select(.kind == "Node") | node],
 pods: [.items[] | select(.kind == "Pod") | pod],
 pdbs: [.items[] | select(.kind == "PodDisruptionBudget") | pdb]}
