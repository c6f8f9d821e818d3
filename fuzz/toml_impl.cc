// The toml++ parser, compiled once for the fuzz build so its sanitizer flags can differ from
// Audex's.
#define TOML_IMPLEMENTATION
#include <toml++/toml.h>
