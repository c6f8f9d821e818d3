// The sandbox a command runs in: its own user, mount and pid namespaces,
// in which the paths a SandboxPlan lists are empty (a read-only tmpfs over
// a directory, /dev/null over a file) and /proc shows only the command's
// own processes, so that tryaudex and its memory, environment and command
// line are not there to read.
//
// Why namespaces, set up by Audex itself (issue 15, measured on this
// machine):
// - Landlock (ABI 7 here) grants access by allow-list: hiding ~/.aws but
//   not the rest of HOME means listing every sibling, and files created
//   later are denied. Its ptrace scoping keeps /proc/PID/mem and environ of
//   tryaudex closed, but /proc/PID/cmdline and status stay readable: it
//   cannot hide the parent's /proc entries by itself.
// - bubblewrap makes the same namespaces, but is a new Debian package,
//   and it neither forwards signals to the command nor passes a death by
//   signal through: Audex's SIGTERM (deadline, Ctrl-C from another
//   process) would end bwrap, not let the command clean up.
// - Here: one clone(2) with CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID
//   execs audex-sandbox (sandbox_init.cc, a small static program), pid 1
//   of the new namespace: it maps the ids, hides the paths, mounts a fresh
//   /proc, drops every capability, starts the command with vfork, forwards
//   Audex's signals to it, reaps orphans, and reports the command's own
//   wait status to Audex (sandbox_protocol.h). About 1 ms over a plain
//   spawn (bench/sandbox_overhead.sh).
//
// The init is a program of its own, not a copy of tryaudex: its memory,
// environment and command line are the command's own (nothing of Audex's
// base credentials), so even a command running as root in the namespace
// finds nothing in /proc/1. A non-dumpable copy of tryaudex could not have
// written its own id maps either (its /proc files belong to root). When
// the init dies (Audex was SIGKILLed: its parent-death signal), the kernel
// kills every process of the namespace.
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
