// The dashboard's page: its files (HTML, JavaScript, CSS and the pinned
// front-end library) compiled into the program at build time by
// embed_assets.cmake, so nothing is read from disk or fetched at run time.
#pragma once

#include <span>
#include <string_view>

namespace audex {

struct EmbeddedAsset {
  std::string_view path;          // "/index.html", "/assets/app.js"
  std::string_view content_type;  // "text/html; charset=utf-8"
  std::string_view bytes;
};

std::span<const EmbeddedAsset> DashboardAssets();

}  // namespace audex
