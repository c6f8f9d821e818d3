// Test helper: appends N events to the audit log in a state directory, as
// one tryaudex process would; the concurrency test runs several at once.
// Usage: audit_append_helper STATE_DIR N WRITER
#include <cstdlib>
#include <iostream>
#include <string>

#include "adapters/store/audit_log.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: audit_append_helper STATE_DIR N WRITER\n";
    return 2;
  }
  const int count = std::atoi(argv[2]);
  audex::AuditLog log(argv[1]);
  for (int i = 0; i < count; ++i) {
    audex::AuditEvent event;
    event.session_id = argv[3];
    event.name = "concurrency_test";
    event.fields = {{"writer", argv[3]}, {"n", i}};
    if (auto appended = log.Append(event); !appended) {
      std::cerr << "audit_append_helper: " << appended.error().message << '\n';
      return 1;
    }
  }
  return 0;
}
