// The web UI's files (viewer/ui/: JavaScript modules, CSS, HTML), embedded in the
// binary at build time so `autoprof serve` needs nothing on disk to serve them.
//
// Paths are relative to viewer/ui/ ("flame.js", "flame.css"); a leading '/' is
// ignored. Content is the file's bytes; mime_type is ready for Content-Type.
//
// Thread-safety: read-only static data; safe from any thread.
//
// Example:
//   if (const autoprof::UiAsset* a = autoprof::FindUiAsset("/flame.js")) {
//     res.set_content(std::string(a->content), std::string(a->mime_type));
//   }
#ifndef AUTOPROF_UI_ASSETS_H_
#define AUTOPROF_UI_ASSETS_H_

#include <span>
#include <string_view>

namespace autoprof {

struct UiAsset {
  std::string_view path;       // "flame.js"
  std::string_view content;
  std::string_view mime_type;  // "text/javascript; charset=utf-8"
};

// Every embedded file, sorted by path.
std::span<const UiAsset> UiAssets();

// The file at `path`, or nullptr.
const UiAsset* FindUiAsset(std::string_view path);

}  // namespace autoprof

#endif  // AUTOPROF_UI_ASSETS_H_
