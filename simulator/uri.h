#pragma once
// Request paths as nginx sees them: `$uri` is the request-target's path, percent-decoded, with
// `.`/`..` segments resolved and repeated slashes merged (merge_slashes on). Location matching and
// rewrites work on it; `$request_uri` keeps the original.

#include <string>
#include <string_view>

namespace hs::sim {

enum class UriError { None, BadPercentEncoding, NulByte, AboveRoot, NotAbsolute };
const char* uriErrorText(UriError e);

// Writes nginx's $uri for `rawPath` (no query) into `out` (reused, so no allocation once grown).
UriError normalizeUri(std::string_view rawPath, std::string& out);

}  // namespace hs::sim
