// Opening one of Audex's own modules (the loopback endpoint modules that
// hold cpp-httplib, opened with dlopen on first use so that tryaudex's
// start-up does not pay for their libraries; credential_server.cc says why).
#pragma once

#include <string>
#include <string_view>

namespace audex {

// dlopens `file_name` from where FindHelper (adapters/process/
// install_layout.h) finds it: beside the executable (the build tree),
// ../lib/audex/ (an install), or, for an executable inside the build tree
// only, `built_path` (where this build put it: tests and benches); null
// with `*error` (naming the places looked in, ending in a fix) otherwise.
void* OpenAudexModule(std::string_view file_name, const char* built_path, std::string* error);

// Every module exports a start and a stop function.
struct ModuleEntryPoints {
  void* start = nullptr;
  void* stop = nullptr;
};

// Opens `file_name` (as OpenAudexModule does) and finds its `start_symbol`
// and `stop_symbol`; false with `*error` (ending in a fix) when it cannot be
// loaded or is not Audex's `what`. Callers keep the result in a static:
// the module is opened once per process.
bool LoadAudexModule(std::string_view file_name, const char* built_path, const char* start_symbol,
                     const char* stop_symbol, std::string_view what, ModuleEntryPoints* found,
                     std::string* error);

}  // namespace audex
