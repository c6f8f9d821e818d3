// The sandbox a command runs in: its own user, mount and pid namespaces,
// in which the paths a SandboxPlan lists are empty (a read-only tmpfs over
// a directory, /dev/null over a file) and /proc shows only the command's
// own processes, so that tryaudex and its memory, environment and command
// line are not there to read.
//
// Why namespaces, set up by Audex itself (issue 15, measured on this
// machine, 2 cores under load; medians of `run -- true` are in the README):
// - Landlock (ABI 7 here) grants access by allow-list: hiding ~/.aws but
//   not the rest of HOME means listing every sibling, and files created
//   later are denied. Its ptrace scoping keeps /proc/PID/mem and environ of
//   tryaudex closed, but /proc/PID/cmdline and status stay readable: it
//   cannot hide the parent's /proc entries by itself.
// - bubblewrap does the same namespaces behind one more exec (about 1-2 ms
//   more than the code here in a side-by-side run) and a new Debian
//   package, and it neither forwards signals to the command nor passes a
//   death by signal through: Audex's SIGTERM (deadline, Ctrl-C from another
//   process) would end bwrap, not let the command clean up.
// - Here: one clone(2) with CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID
//   makes a small init (pid 1 of the new namespace) that hides the paths,
//   mounts a fresh /proc, starts the command with vfork, forwards Audex's
//   signals to it, reaps orphans, and reports the command's own wait
//   status to Audex. About 1 ms over a plain spawn.
//
// The init is a copy of tryaudex (it never execs): it is not dumpable
// (main.cc), and its memory belongs to the outer user namespace, where the
// command holds no capability, so /proc/1/mem and /proc/1/environ are
// closed to the command even when it runs as root; its command line and
// name are overwritten ("audex-sandbox"). When the init dies (Audex was
// SIGKILLed: its parent-death signal), the kernel kills every process of
// the namespace.
#pragma once

#include <optional>
#include <string>

namespace audex {

struct SandboxSupport {
  bool available = false;
  std::string reason;  // why not, with the fix, when unavailable
};

// Whether this process can sandbox a command: creates the namespaces in a
// short-lived child, makes its mounts private and mounts /proc, the steps
// every run takes. The answer is kept (one probe per process); a run that
// is refused later also updates it.
SandboxSupport ProbeSandbox();

}  // namespace audex
