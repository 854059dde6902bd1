// pause: the sandbox process of every pod on lab nodes (stands in for registry.k8s.io/pause).
// It blocks until SIGINT/SIGTERM and exits 0, and reaps zombies when it is PID 1. With -v it
// prints its version and exits 0, as upstream's pause does: kubeadm's upgrade health check runs
// the pause image as a Job with `-v` and waits for it to complete.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "-v" {
		fmt.Println("pause (k8s-harden-lab)")
		return
	}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range sigs {
		if s == syscall.SIGCHLD {
			for {
				var ws syscall.WaitStatus
				pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
				if pid <= 0 || err != nil {
					break
				}
			}
			continue
		}
		os.Exit(0)
	}
}
