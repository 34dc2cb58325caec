package controlplane

import "syscall"

// sysProcAttr has the kernel kill a process when the test binary dies, so
// that a test killed by its timeout leaves no control plane behind.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
