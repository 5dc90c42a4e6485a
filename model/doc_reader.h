#pragma once
// Parsing YAML and JSON text into DocNode trees. Each document is parsed on its own, so a syntax
// error in one document of a multi-document file leaves its neighbours loadable. Limits guard
// against hostile input (alias bombs, deep nesting, huge documents); every refusal is a located
// Diagnostic, never an exception.

#include "model/diagnostic.h"
#include "model/doc.h"

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace hs::model {

struct ParsedDocument {
    DocNode root;
    std::uint32_t firstLine = 1;  // 1-based line in the file where the document starts
    std::string_view text;  // the document's exact source text (a view into the input)
    bool failed = false;  // syntax error or limit hit: `root` is null, a diagnostic says why
};

struct ReadLimits {
    std::size_t maxNodesPerDocument = 2'000'000;  // after alias expansion
    std::size_t maxDepth = 200;
};

// Splits at document markers and parses each YAML document. `file` names the source in
// diagnostics (may be a pseudo name such as "<stdin>").
std::vector<ParsedDocument> readYamlDocuments(std::string_view text, const std::shared_ptr<const std::string>& file,
                                              Diagnostics& diags, const ReadLimits& limits = {});

// Parses one JSON value or several concatenated/whitespace-separated values (JSON Lines too).
std::vector<ParsedDocument> readJsonDocuments(std::string_view text, const std::shared_ptr<const std::string>& file,
                                              Diagnostics& diags, const ReadLimits& limits = {});

// True when the text (after whitespace and a BOM) starts like JSON: `{` or `[`.
bool looksLikeJson(std::string_view text);

// Line/column (1-based) of byte offsets within a text, computed from a table of line starts.
class LineIndex {
public:
    explicit LineIndex(std::string_view text);
    Mark at(std::size_t offset) const;

private:
    std::vector<std::size_t> starts_;
};

}  // namespace hs::model
