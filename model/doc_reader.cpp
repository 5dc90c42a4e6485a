#include "model/doc_reader.h"

#include <simdjson.h>
#include <yaml.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace hs::model {

LineIndex::LineIndex(std::string_view text) {
    starts_.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i)
        if (text[i] == '\n') starts_.push_back(i + 1);
}

Mark LineIndex::at(std::size_t offset) const {
    auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
    std::size_t line = static_cast<std::size_t>(it - starts_.begin());  // 1-based
    std::size_t col = offset - starts_[line - 1] + 1;
    return {static_cast<std::uint32_t>(line), static_cast<std::uint32_t>(col)};
}

bool looksLikeJson(std::string_view text) {
    if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF &&
        static_cast<unsigned char>(text[1]) == 0xBB && static_cast<unsigned char>(text[2]) == 0xBF)
        text.remove_prefix(3);
    for (char c : text) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
        return c == '{' || c == '[';
    }
    return false;
}

namespace {

Diagnostic makeDiag(Severity sev, const std::shared_ptr<const std::string>& file, Mark m, std::string msg,
                    std::string code) {
    Diagnostic d;
    d.severity = sev;
    d.loc.file = file;
    d.loc.line = m.line;
    d.loc.col = m.col;
    d.message = std::move(msg);
    d.code = std::move(code);
    return d;
}

// Reports the first invalid UTF-8 sequence, if any, as a position.
bool findInvalidUtf8(std::string_view s, std::size_t& badOffset) {
    if (simdjson::validate_utf8(s.data(), s.size())) return false;
    std::size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (len == 0 || i + len > s.size() || !simdjson::validate_utf8(s.data() + i, len)) {
            badOffset = i;
            return true;
        }
        i += len;
    }
    badOffset = 0;
    return true;
}

// ---- YAML ------------------------------------------------------------------------------------
//
// libyaml's event parser (the C library go-yaml, and so kubectl and the API server, was ported
// from) feeds a tree builder: it reads YAML 1.1 as Kubernetes does and is several times faster
// than yaml-cpp's scanner, which dominated the time to load a large manifest folder
// (bench/bench_load.cpp, docs/model.md).

struct LimitHit {
    Mark mark;
    std::string why;
    const char* code = "yaml.limit";
};

struct SyntaxError {
    Mark mark;  // relative to the chunk: 0-based line, 1-based column (0 = unknown)
    std::string why;
};

std::string_view viewOf(const yaml_char_t* s) {
    return s ? std::string_view(reinterpret_cast<const char*>(s)) : std::string_view();
}

class TreeBuilder {
public:
    TreeBuilder(std::uint32_t lineOffset, const ReadLimits& limits, Diagnostics& diags,
                const std::shared_ptr<const std::string>& file)
        : lineOffset_(lineOffset), limits_(limits), diags_(diags), file_(file) {}

    bool hasRoot() const { return haveRoot_; }
    DocNode takeRoot() { return std::move(root_); }

    // Hands one parser event to the tree (document and stream events are the caller's).
    void event(const yaml_event_t& ev) {
        switch (ev.type) {
        case YAML_ALIAS_EVENT: onAlias(conv(ev.start_mark), viewOf(ev.data.alias.anchor)); break;
        case YAML_SCALAR_EVENT: onScalar(ev); break;
        case YAML_SEQUENCE_START_EVENT:
            push(DocNode::Type::Sequence, conv(ev.start_mark), viewOf(ev.data.sequence_start.anchor));
            break;
        case YAML_MAPPING_START_EVENT:
            push(DocNode::Type::Map, conv(ev.start_mark), viewOf(ev.data.mapping_start.anchor));
            break;
        case YAML_SEQUENCE_END_EVENT: pop(); break;
        case YAML_MAPPING_END_EVENT:
            finishMap(stack_.back());
            pop();
            break;
        default: break;
        }
    }

private:
    struct Frame {
        DocNode node;
        std::string anchor;
        std::size_t startCount = 0;
        bool haveKey = false;
        std::string key;
        Mark keyMark;
        std::vector<Mark> keyMarks;  // parallel to node.members
    };

    void onAlias(Mark mark, std::string_view anchor) {
        auto it = anchors_.find(std::string(anchor));
        if (it == anchors_.end()) {
            // An alias inside the node its anchor names (`&m {labels: *m}`) is a cycle: refused as
            // go-yaml refuses it ("anchor value contains itself"), not read as null.
            for (const Frame& f : stack_)
                if (!f.anchor.empty() && f.anchor == anchor)
                    throw LimitHit{mark, "an alias refers to the node it is inside (a cycle)"};
            throw LimitHit{mark, "unknown anchor '" + std::string(anchor) + "' referenced", "yaml.syntax"};
        }
        count(it->second.second, mark);
        DocNode copy = it->second.first;
        add(std::move(copy), {}, it->second.second);
    }

    void onScalar(const yaml_event_t& ev) {
        const auto& sc = ev.data.scalar;
        DocNode n;
        n.mark = conv(ev.start_mark);
        n.scalar.assign(reinterpret_cast<const char*>(sc.value), sc.length);
        n.scalarType = scalarTypeFor(sc.tag, sc.style, n.scalar);
        // A null (`~`, `null`, nothing, `!!null`) is a null node, not a scalar, as in JSON.
        if (n.scalarType == ScalarType::Null)
            n.scalar.clear();
        else
            n.type = DocNode::Type::Scalar;
        count(1, n.mark);
        add(std::move(n), viewOf(sc.anchor), 1);
    }

    // An untagged plain scalar is resolved by YAML 1.1's rules; a quoted or block one is a
    // string; an explicit core tag (`!!int "3"`) decides.
    static ScalarType scalarTypeFor(const yaml_char_t* tagText, yaml_scalar_style_t style, const std::string& value) {
        std::string_view tag = viewOf(tagText);
        if (tag.empty()) return style == YAML_PLAIN_SCALAR_STYLE ? resolvePlainScalar(value) : ScalarType::String;
        static constexpr std::string_view core = "tag:yaml.org,2002:";
        if (tag.substr(0, core.size()) == core) {
            std::string_view t = tag.substr(core.size());
            if (t == "int") return ScalarType::Int;
            if (t == "float") return ScalarType::Float;
            if (t == "bool") return ScalarType::Bool;
            if (t == "null") return ScalarType::Null;
        }
        return ScalarType::String;
    }

    Mark conv(const yaml_mark_t& m) const {
        return {static_cast<std::uint32_t>(m.line) + lineOffset_ + 1, static_cast<std::uint32_t>(m.column) + 1};
    }

    void count(std::size_t n, Mark at) {
        nodes_ += n;
        if (nodes_ > limits_.maxNodesPerDocument)
            throw LimitHit{at,
                           "document expands to more than " + std::to_string(limits_.maxNodesPerDocument) +
                               " nodes (alias expansion bomb?)"};
    }

    void push(DocNode::Type type, Mark mark, std::string_view anchor) {
        Frame f;
        f.node.type = type;
        f.node.mark = mark;
        f.anchor.assign(anchor);
        count(1, f.node.mark);
        f.startCount = nodes_;
        if (stack_.size() >= limits_.maxDepth)
            throw LimitHit{f.node.mark, "nesting deeper than " + std::to_string(limits_.maxDepth) + " levels"};
        stack_.push_back(std::move(f));
    }

    void pop() {
        Frame f = std::move(stack_.back());
        stack_.pop_back();
        std::size_t size = nodes_ - f.startCount + 1;
        add(std::move(f.node), f.anchor, size);
    }

    void add(DocNode&& n, std::string_view anchor, std::size_t size) {
        if (!anchor.empty()) anchors_[std::string(anchor)] = {n, size};
        if (stack_.empty()) {
            root_ = std::move(n);
            haveRoot_ = true;
            return;
        }
        Frame& top = stack_.back();
        if (top.node.type == DocNode::Type::Sequence) {
            top.node.items.push_back(std::move(n));
        } else if (!top.haveKey) {
            top.haveKey = true;
            top.keyMark = n.mark;
            if (n.isScalar()) {
                top.key = std::move(n.scalar);
            } else if (n.isNull()) {
                top.key.clear();
            } else {
                diags_.push_back(makeDiag(Severity::Warning, file_, n.mark,
                                          "complex mapping key (a map or list used as a key) ignored",
                                          "yaml.complex-key"));
                top.key = "<complex key>";
            }
        } else {
            top.haveKey = false;
            top.node.members.emplace_back(std::move(top.key), std::move(n));
            top.keyMarks.push_back(top.keyMark);
            top.key.clear();
        }
    }

    // YAML 1.1 merge keys (`<<: *defaults`) as go-yaml applies them, then duplicate-key checks.
    void finishMap(Frame& f) {
        auto& members = f.node.members;
        std::vector<Mark>& marks = f.keyMarks;
        marks.resize(members.size());

        bool hasMerge = std::any_of(members.begin(), members.end(), [](auto& m) { return m.first == "<<"; });
        if (hasMerge) {
            std::vector<std::pair<std::string, DocNode>> merged;
            std::vector<std::pair<std::string, DocNode>> own;
            for (auto& m : members) {
                if (m.first != "<<") {
                    own.push_back(std::move(m));
                    continue;
                }
                auto mergeOne = [&](DocNode& src) {
                    if (!src.isMap()) return;
                    for (auto& sm : src.members) {
                        bool exists =
                            std::any_of(merged.begin(), merged.end(), [&](auto& x) { return x.first == sm.first; });
                        if (!exists) merged.push_back(std::move(sm));
                    }
                };
                if (m.second.isMap())
                    mergeOne(m.second);
                else if (m.second.isSequence())
                    for (auto& s : m.second.items) mergeOne(s);
            }
            std::vector<std::pair<std::string, DocNode>> result;
            for (auto& m : merged) {
                bool overridden = std::any_of(own.begin(), own.end(), [&](auto& x) { return x.first == m.first; });
                if (!overridden) result.push_back(std::move(m));
            }
            for (auto& m : own) result.push_back(std::move(m));
            members = std::move(result);
            return;  // merged maps come from trusted structure; duplicate check on own keys below is skipped
        }

        if (members.size() < 2) return;
        std::unordered_map<std::string_view, std::size_t> seen;
        seen.reserve(members.size());
        for (std::size_t i = 0; i < members.size(); ++i) {
            auto [it, inserted] = seen.emplace(members[i].first, i);
            if (!inserted) {
                diags_.push_back(makeDiag(Severity::Warning, file_, marks[i],
                                          "duplicate key \"" + members[i].first + "\" (first defined at line " +
                                              std::to_string(marks[it->second].line) + "); the later value is used",
                                          "yaml.duplicate-key"));
                it->second = i;
            }
        }
    }

    std::uint32_t lineOffset_;
    const ReadLimits& limits_;
    Diagnostics& diags_;
    std::shared_ptr<const std::string> file_;
    std::vector<Frame> stack_;
    std::unordered_map<std::string, std::pair<DocNode, std::size_t>> anchors_;
    DocNode root_;
    bool haveRoot_ = false;
    std::size_t nodes_ = 0;
};

// One libyaml parser over a chunk of text, released on every path.
class EventParser {
public:
    explicit EventParser(std::string_view text) : text_(text) {
        yaml_parser_initialize(&parser_);
        yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()), text.size());
    }
    ~EventParser() { yaml_parser_delete(&parser_); }
    EventParser(const EventParser&) = delete;
    EventParser& operator=(const EventParser&) = delete;

    // The next event (to be released with yaml_event_delete), or SyntaxError.
    void next(yaml_event_t& ev) {
        if (yaml_parser_parse(&parser_, &ev)) return;
        throw SyntaxError{where(), what()};
    }

private:
    Mark where() const {
        if (parser_.error == YAML_READER_ERROR) {
            LineIndex li(text_);
            Mark m = li.at(std::min(parser_.problem_offset, text_.size()));
            return {m.line - 1, m.col};
        }
        return {static_cast<std::uint32_t>(parser_.problem_mark.line),
                static_cast<std::uint32_t>(parser_.problem_mark.column) + 1};
    }
    std::string what() const {
        if (parser_.error == YAML_MEMORY_ERROR) return "out of memory";
        std::string why = parser_.problem ? parser_.problem : "malformed YAML";
        if (parser_.error == YAML_SCANNER_ERROR && charAt(parser_.problem_mark) == '\t')
            why += " (a tab: YAML indents with spaces only)";
        if (parser_.context && parser_.error != YAML_READER_ERROR)
            why +=
                std::string(" (") + parser_.context + " at line " + std::to_string(parser_.context_mark.line + 1) + ")";
        return why;
    }

    // The byte at a mark (line and column counted from 0), or NUL past the text.
    char charAt(const yaml_mark_t& m) const {
        std::size_t pos = 0;
        for (std::size_t line = 0; line < m.line; ++line) {
            pos = text_.find('\n', pos);
            if (pos == std::string_view::npos) return '\0';
            ++pos;
        }
        pos += m.column;
        return pos < text_.size() ? text_[pos] : '\0';
    }

    std::string_view text_;
    yaml_parser_t parser_;
};

// Parses the documents of one chunk: the first goes to `builder`; any further one is parsed (so
// its syntax errors are reported) and counted in `extraDocuments`.
void parseChunk(std::string_view chunk, TreeBuilder& builder, TreeBuilder& rest, int& extraDocuments) {
    EventParser parser(chunk);
    int documents = 0;
    for (;;) {
        yaml_event_t ev;
        parser.next(ev);
        struct Release {
            yaml_event_t& e;
            ~Release() { yaml_event_delete(&e); }
        } release{ev};
        switch (ev.type) {
        case YAML_STREAM_END_EVENT: return;
        case YAML_STREAM_START_EVENT:
        case YAML_DOCUMENT_END_EVENT: break;
        case YAML_DOCUMENT_START_EVENT:
            if (++documents > 1) ++extraDocuments;
            break;
        default: (documents > 1 ? rest : builder).event(ev); break;
        }
    }
}

bool isMarkerLine(std::string_view text, std::size_t pos, std::string_view marker) {
    if (text.compare(pos, marker.size(), marker) != 0) return false;
    std::size_t after = pos + marker.size();
    return after >= text.size() || text[after] == ' ' || text[after] == '\t' || text[after] == '\n' ||
        text[after] == '\r';
}

// True when a chunk holds nothing but blank lines, comments and directives.
bool isEmptyChunk(std::string_view chunk, bool& onlyDirectives) {
    onlyDirectives = false;
    bool sawDirective = false;
    std::size_t pos = 0;
    while (pos < chunk.size()) {
        std::size_t end = chunk.find('\n', pos);
        if (end == std::string_view::npos) end = chunk.size();
        std::string_view line = chunk.substr(pos, end - pos);
        std::size_t k = line.find_first_not_of(" \t\r");
        if (k != std::string_view::npos && line[k] != '#') {
            if (line[0] == '%')
                sawDirective = true;
            else if (isMarkerLine(line, 0, "---") || isMarkerLine(line, 0, "...")) {
                // a bare marker line carries no content, but "--- value" does
                std::size_t rest = line.find_first_not_of(" \t\r", 3);
                if (rest != std::string_view::npos && line[rest] != '#') return false;
            } else {
                return false;
            }
        }
        pos = end + 1;
    }
    onlyDirectives = sawDirective;
    return true;
}

}  // namespace

std::vector<ParsedDocument> readYamlDocuments(std::string_view text, const std::shared_ptr<const std::string>& file,
                                              Diagnostics& diags, const ReadLimits& limits) {
    std::vector<ParsedDocument> docs;
    std::size_t bom = 0;
    if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF &&
        static_cast<unsigned char>(text[1]) == 0xBB && static_cast<unsigned char>(text[2]) == 0xBF)
        bom = 3;

    // Split before every line that starts with a document marker; YAML forbids such lines inside
    // content, so this never cuts a document in two.
    struct Chunk {
        std::size_t begin, end;
        std::uint32_t line;
    };
    std::vector<Chunk> chunks;
    {
        std::size_t start = bom;
        std::uint32_t line = 1, startLine = 1;
        std::size_t pos = bom;
        while (pos < text.size()) {
            if (pos != start && isMarkerLine(text, pos, "---")) {
                chunks.push_back({start, pos, startLine});
                start = pos;
                startLine = line;
            }
            std::size_t nl = text.find('\n', pos);
            if (nl == std::string_view::npos) break;
            pos = nl + 1;
            ++line;
        }
        chunks.push_back({start, text.size(), startLine});
    }

    std::size_t pendingDirectives = std::string_view::npos;
    std::uint32_t pendingLine = 0;
    for (const Chunk& c : chunks) {
        std::size_t begin = c.begin;
        std::uint32_t line = c.line;
        if (pendingDirectives != std::string_view::npos) {
            begin = pendingDirectives;
            line = pendingLine;
            pendingDirectives = std::string_view::npos;
        }
        std::string_view chunk = text.substr(begin, c.end - begin);
        bool onlyDirectives = false;
        if (isEmptyChunk(chunk, onlyDirectives)) {
            if (onlyDirectives) {
                pendingDirectives = begin;
                pendingLine = line;
            }
            continue;
        }

        ParsedDocument doc;
        doc.firstLine = line;
        doc.text = chunk;
        std::size_t bad = 0;
        if (findInvalidUtf8(chunk, bad)) {
            LineIndex li(chunk);
            Mark m = li.at(bad);
            m.line += line - 1;
            diags.push_back(makeDiag(Severity::Error, file, m, "invalid UTF-8 (binary data?); this document is skipped",
                                     "yaml.utf8"));
            doc.failed = true;
            docs.push_back(std::move(doc));
            continue;
        }
        if (chunk.find('\0') != std::string_view::npos) {
            LineIndex li(chunk);
            Mark m = li.at(chunk.find('\0'));
            m.line += line - 1;
            diags.push_back(makeDiag(Severity::Error, file, m,
                                     "NUL byte in text (binary data?); this document is skipped", "yaml.binary"));
            doc.failed = true;
            docs.push_back(std::move(doc));
            continue;
        }

        TreeBuilder builder(line - 1, limits, diags, file);
        TreeBuilder rest(line - 1, limits, diags, file);
        int extraDocuments = 0;
        try {
            parseChunk(chunk, builder, rest, extraDocuments);
            if (builder.hasRoot()) doc.root = builder.takeRoot();
            // A chunk holds one document by construction ("---" lines split them); a second one
            // here started after a `...` end marker.
            if (extraDocuments > 0 && rest.hasRoot())
                diags.push_back(makeDiag(Severity::Warning, file, {line, 1},
                                         "several documents without a `---` separator; only the first is read",
                                         "yaml.multi"));
        } catch (const SyntaxError& e) {
            Mark m{e.mark.line + line, e.mark.col};
            diags.push_back(makeDiag(Severity::Error, file, m,
                                     "YAML syntax error: " + e.why + "; this document is skipped", "yaml.syntax"));
            doc.failed = true;
            doc.root = DocNode{};
        } catch (const LimitHit& e) {
            diags.push_back(makeDiag(Severity::Error, file, e.mark, e.why + "; this document is skipped", e.code));
            doc.failed = true;
            doc.root = DocNode{};
        }
        docs.push_back(std::move(doc));
    }
    return docs;
}

// ---- JSON ------------------------------------------------------------------------------------

namespace {

namespace od = simdjson::ondemand;

struct JsonConverter {
    const char* pieceBase;  // the padded copy being parsed
    std::size_t pieceOffset;  // where that copy starts in the original text
    const LineIndex& lines;
    const ReadLimits& limits;
    std::size_t nodes = 0;

    Mark markOf(const char* p) const {
        if (!p || p < pieceBase) return {};
        return lines.at(pieceOffset + static_cast<std::size_t>(p - pieceBase));
    }

    simdjson::error_code convert(od::value v, DocNode& out, std::size_t depth) {
        if (++nodes > limits.maxNodesPerDocument) return simdjson::CAPACITY;
        if (depth > limits.maxDepth) return simdjson::DEPTH_ERROR;
        std::string_view raw = v.raw_json_token();
        out.mark = markOf(raw.data());
        od::json_type t;
        if (auto e = v.type().get(t)) return e;
        switch (t) {
        case od::json_type::object: {
            out.type = DocNode::Type::Map;
            od::object obj;
            if (auto e = v.get_object().get(obj)) return e;
            for (auto field : obj) {
                std::string_view key;
                if (auto e = field.unescaped_key().get(key)) return e;
                out.members.emplace_back(std::string(key), DocNode{});
                od::value child;
                if (auto e = field.value().get(child)) return e;
                if (auto e = convert(child, out.members.back().second, depth + 1)) return e;
            }
            return simdjson::SUCCESS;
        }
        case od::json_type::array: {
            out.type = DocNode::Type::Sequence;
            od::array arr;
            if (auto e = v.get_array().get(arr)) return e;
            for (auto el : arr) {
                od::value child;
                if (auto e = el.get(child)) return e;
                out.items.emplace_back();
                if (auto e = convert(child, out.items.back(), depth + 1)) return e;
            }
            return simdjson::SUCCESS;
        }
        case od::json_type::string: {
            std::string_view s;
            if (auto e = v.get_string().get(s)) return e;
            out.type = DocNode::Type::Scalar;
            out.scalarType = ScalarType::String;
            out.scalar.assign(s);
            return simdjson::SUCCESS;
        }
        case od::json_type::number: {
            od::number_type nt;
            if (auto e = v.get_number_type().get(nt)) return e;
            out.type = DocNode::Type::Scalar;
            out.scalarType = nt == od::number_type::floating_point_number ? ScalarType::Float : ScalarType::Int;
            std::string_view tok = raw;
            while (!tok.empty() &&
                   (tok.back() == ' ' || tok.back() == '\n' || tok.back() == '\r' || tok.back() == '\t' ||
                    tok.back() == ',' || tok.back() == '}' || tok.back() == ']'))
                tok.remove_suffix(1);
            out.scalar.assign(tok);
            double d;
            if (auto e = v.get_double().get(d)) return e;
            return simdjson::SUCCESS;
        }
        case od::json_type::boolean: {
            bool b;
            if (auto e = v.get_bool().get(b)) return e;
            out.type = DocNode::Type::Scalar;
            out.scalarType = ScalarType::Bool;
            out.scalar = b ? "true" : "false";
            return simdjson::SUCCESS;
        }
        case od::json_type::null: {
            bool isNull = false;
            if (auto e = v.is_null().get(isNull)) return e;
            if (!isNull) return simdjson::N_ATOM_ERROR;
            out.type = DocNode::Type::Null;
            out.scalarType = ScalarType::Null;
            return simdjson::SUCCESS;
        }
        }
        return simdjson::INCORRECT_TYPE;
    }
};

}  // namespace

std::vector<ParsedDocument> readJsonDocuments(std::string_view text, const std::shared_ptr<const std::string>& file,
                                              Diagnostics& diags, const ReadLimits& limits) {
    std::vector<ParsedDocument> docs;
    std::size_t bom = 0;
    if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF &&
        static_cast<unsigned char>(text[1]) == 0xBB && static_cast<unsigned char>(text[2]) == 0xBF)
        bom = 3;
    std::string_view body = text.substr(bom);
    LineIndex lines(text);

    std::size_t bad = 0;
    if (findInvalidUtf8(body, bad)) {
        diags.push_back(makeDiag(Severity::Error, file, lines.at(bom + bad),
                                 "invalid UTF-8 (binary data?); file skipped", "json.utf8"));
        return docs;
    }

    od::parser parser;
    // Documents are split on top-level boundaries ourselves (brace depth outside strings), so a
    // broken document does not hide the ones after it.
    std::size_t pos = 0;
    const std::size_t n = body.size();
    while (pos < n) {
        while (pos < n && (body[pos] == ' ' || body[pos] == '\n' || body[pos] == '\r' || body[pos] == '\t')) ++pos;
        if (pos >= n) break;
        std::size_t start = pos;
        int depth = 0;
        bool inString = false, escaped = false;
        bool scalarDoc = body[pos] != '{' && body[pos] != '[';
        for (; pos < n; ++pos) {
            char c = body[pos];
            if (inString) {
                if (escaped)
                    escaped = false;
                else if (c == '\\')
                    escaped = true;
                else if (c == '"')
                    inString = false;
                continue;
            }
            if (c == '"')
                inString = true;
            else if (c == '{' || c == '[')
                ++depth;
            else if (c == '}' || c == ']') {
                if (--depth <= 0) {
                    ++pos;
                    break;
                }
            } else if (scalarDoc && (c == '\n')) {
                break;
            }
        }
        std::string_view piece = body.substr(start, pos - start);
        ParsedDocument doc;
        doc.text = text.substr(bom + start, piece.size());
        doc.firstLine = lines.at(bom + start).line;
        if (scalarDoc) {
            // A bare scalar is valid JSON but no manifest; keep it as a scalar for the decoder to report.
            std::string_view t = piece;
            while (!t.empty() && (t.back() == '\r' || t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
            doc.root.type = DocNode::Type::Scalar;
            doc.root.mark = lines.at(bom + start);
            doc.root.scalar.assign(t);
            doc.root.scalarType = !t.empty() && t.front() == '"' ? ScalarType::String : resolvePlainScalar(t);
            docs.push_back(std::move(doc));
            continue;
        }
        simdjson::padded_string pp(piece);
        JsonConverter conv{pp.data(), bom + start, lines, limits};
        od::document d;
        simdjson::error_code err = parser.iterate(pp).get(d);
        // Only a document that iterate() set up has a location: on a stage-1 error (an unclosed
        // string, a raw control character in a string) `d` is default-constructed and asking it
        // for current_location() reads through a null token pointer (a crash, found by fuzzing:
        // tests/security/tst_bad_input.cpp, "json unescaped control character").
        const bool iterated = !err;
        if (!err) {
            od::value v;
            err = d.get_value().get(v);
            if (!err) err = conv.convert(v, doc.root, 0);
        }
        if (err) {
            const char* where = nullptr;
            Mark m = lines.at(bom + start);
            if (iterated && d.current_location().get(where) == simdjson::SUCCESS && where >= pp.data() &&
                where <= pp.data() + pp.size())
                m = lines.at(bom + start + static_cast<std::size_t>(where - pp.data()));
            std::string why = err == simdjson::CAPACITY
                ? "document has more than " + std::to_string(limits.maxNodesPerDocument) + " nodes"
                : err == simdjson::DEPTH_ERROR ? "nesting deeper than " + std::to_string(limits.maxDepth) + " levels"
                                               : std::string(simdjson::error_message(err));
            if (depth > 0) why = "unterminated JSON value (truncated file?)";
            diags.push_back(makeDiag(Severity::Error, file, m,
                                     "JSON syntax error: " + why + "; this document is skipped", "json.syntax"));
            doc.failed = true;
            doc.root = DocNode{};
        }
        docs.push_back(std::move(doc));
    }
    return docs;
}

}  // namespace hs::model
