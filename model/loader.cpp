#include "model/loader.h"

#include "model/validation.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <sstream>
#include <thread>

namespace hs::model {

namespace fs = std::filesystem;

namespace {

struct FileResult {
    DecodeOutput decoded;
    Diagnostics diags;
};

Diagnostic fileDiag(const std::shared_ptr<const std::string>& file, std::string msg, std::string code,
                    Severity sev = Severity::Error) {
    Diagnostic d;
    d.severity = sev;
    d.loc.file = file;
    d.message = std::move(msg);
    d.code = std::move(code);
    return d;
}

void validateDecoded(FileResult& r, std::size_t from, const std::shared_ptr<const std::string>& file) {
    for (std::size_t i = from; i < r.decoded.objects.size(); ++i) {
        const auto& d = r.decoded.objects[i];
        const ObjectMeta& m = metaOf(d.object);
        std::string label = std::string(kindName(kindOf(d.object))) + ' ' + m.key();
        for (Finding& f : validateObject(d.object)) {
            Diagnostic diag;
            diag.severity = f.severity;
            diag.loc.file = file;
            Mark mk = d.node ? locateField(*d.node, f.field) : Mark{};
            diag.loc.line = mk.line;
            diag.loc.col = mk.col;
            diag.message = std::move(f.message);
            diag.object = label;
            diag.field = std::move(f.field);
            diag.code = std::move(f.code);
            r.diags.push_back(std::move(diag));
        }
    }
}

FileResult processText(std::string_view text, const std::shared_ptr<const std::string>& file, bool jsonHint,
                       const LoadOptions& opt) {
    FileResult r;
    bool json = jsonHint || looksLikeJson(text);
    std::vector<ParsedDocument> docs =
        json ? readJsonDocuments(text, file, r.diags, opt.limits) : readYamlDocuments(text, file, r.diags, opt.limits);
    if (json && docs.empty() && !text.empty() && r.diags.empty()) {
        // Not JSON after all (a YAML file that starts with a flow map): read it as YAML.
        docs = readYamlDocuments(text, file, r.diags, opt.limits);
    }
    DecodeContext dc;
    dc.file = file;
    dc.options = opt.decode;
    dc.diags = &r.diags;
    for (const ParsedDocument& doc : docs) {
        if (doc.failed) {
            ++r.decoded.documents;
            continue;
        }
        dc.docFirstLine = doc.firstLine;
        dc.docText = doc.text;
        std::size_t before = r.decoded.objects.size();
        decodeDocument(doc.root, dc, r.decoded);
        if (opt.validate) validateDecoded(r, before, file);
        // The DocNode tree dies with `docs`; drop the pointers into it.
        for (std::size_t i = before; i < r.decoded.objects.size(); ++i) r.decoded.objects[i].node = nullptr;
    }
    for (const auto& le : r.decoded.endpoints)
        if (opt.validate)
            for (Finding& f : validateLegacyEndpoints(le)) {
                Diagnostic d;
                d.severity = f.severity;
                d.loc = le.meta.loc;
                d.message = std::move(f.message);
                d.object = "Endpoints " + le.meta.key();
                d.field = std::move(f.field);
                d.code = std::move(f.code);
                r.diags.push_back(std::move(d));
            }
    return r;
}

bool readWholeFile(const fs::path& p, std::string& out, std::string& error, std::size_t maxBytes) {
    std::error_code ec;
    auto size = fs::file_size(p, ec);
    if (!ec && size > maxBytes) {
        error = "file is larger than " + std::to_string(maxBytes >> 20) + " MiB; skipped";
        return false;
    }
    std::ifstream in(p, std::ios::binary);
    if (!in) {
        error = "cannot open file";
        return false;
    }
    if (!ec) out.resize(static_cast<std::size_t>(size));
    in.read(out.data(), static_cast<std::streamsize>(out.size()));
    if (!ec && static_cast<std::size_t>(in.gcount()) != out.size()) out.resize(static_cast<std::size_t>(in.gcount()));
    // files whose size is unknown (pipes, /proc): read the rest
    std::string rest((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    out += rest;
    if (in.bad()) {
        error = "read error";
        return false;
    }
    return true;
}

bool isManifestFile(const fs::path& p) {
    auto ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

struct Input {
    std::shared_ptr<const std::string> name;
    fs::path path;  // empty for in-memory text
    std::string text;
    bool loaded = false;
};

LoadResult finish(std::vector<Input>& inputs, Diagnostics diags, const LoadOptions& opt, std::string source,
                  bool inputError) {
    LoadResult result;
    result.inputError = inputError;
    std::vector<FileResult> results(inputs.size());
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        for (std::size_t i; (i = next.fetch_add(1)) < inputs.size();) {
            Input& in = inputs[i];
            if (!in.loaded) {
                std::string error;
                if (!readWholeFile(in.path, in.text, error, opt.maxFileBytes)) {
                    results[i].diags.push_back(fileDiag(in.name, error, "file.read"));
                    continue;
                }
            }
            bool jsonHint = in.path.extension() == ".json";
            results[i] = processText(in.text, in.name, jsonHint, opt);
            std::string().swap(in.text);
        }
    };
    unsigned threads = opt.threads ? opt.threads : std::max(1u, std::thread::hardware_concurrency());
    threads = static_cast<unsigned>(std::min<std::size_t>(threads, inputs.size()));
    {
        std::vector<std::jthread> pool;
        for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
        work();
    }

    // Merge in input order: later definitions of the same object replace earlier ones, as a
    // sequence of `kubectl apply` would.
    ClusterStateBuilder builder;
    std::map<std::tuple<Kind, std::string, std::string>, SourceLoc> seen;
    std::vector<LegacyEndpoints> legacy;
    std::uint32_t order = 0;
    result.stats.files = inputs.size();
    for (FileResult& r : results) {
        result.stats.documents += r.decoded.documents;
        for (auto& [k, n] : r.decoded.skippedKinds) result.stats.skippedKinds[k] += n;
        for (auto& d : r.diags) diags.push_back(std::move(d));
        for (auto& d : r.decoded.objects) {
            const ObjectMeta& m = metaOf(d.object);
            const_cast<ObjectMeta&>(m).loadOrder = order++;  // not shared yet
            Kind k = kindOf(d.object);
            if (k == Kind::StatefulSet || k == Kind::ReplicaSet || k == Kind::DaemonSet) k = Kind::Deployment;
            auto key = std::make_tuple(k, m.ns, m.name);
            auto [it, inserted] = seen.emplace(key, m.loc);
            if (!inserted) {
                Diagnostic dup;
                dup.severity = Severity::Warning;
                dup.loc = m.loc;
                std::string where = it->second.known() ? it->second.fileName() + ":" + std::to_string(it->second.line)
                                                       : std::string("earlier input");
                dup.message = std::string("duplicate ") + kindName(kindOf(d.object)) + " " + m.key() +
                    " (also defined at " + where + "); this later definition is used";
                dup.object = std::string(kindName(kindOf(d.object))) + " " + m.key();
                dup.code = "manifest.duplicate";
                diags.push_back(std::move(dup));
                it->second = m.loc;
            }
            ++result.stats.objects;
            addTo(builder, std::move(d.object));
        }
        for (auto& le : r.decoded.endpoints) {
            le.meta.loadOrder = order++;
            legacy.push_back(std::move(le));
        }
    }
    if (opt.derive) result.stats.derived = deriveMissing(builder, std::move(legacy));
    builder.setSource(opt.source.empty() ? std::move(source) : opt.source);
    result.state = builder.build();
    sortDiagnostics(diags);
    result.diagnostics = std::move(diags);
    return result;
}

}  // namespace

LoadResult loadManifests(const std::vector<std::string>& paths, const LoadOptions& opt) {
    std::vector<Input> inputs;
    Diagnostics diags;
    bool inputError = false;
    std::string source;
    for (const std::string& p : paths) {
        if (!source.empty()) source += ", ";
        source += p;
        if (p == "-") {
            Input in;
            in.name = std::make_shared<const std::string>("<stdin>");
            std::ostringstream ss;
            ss << std::cin.rdbuf();
            in.text = ss.str();
            in.loaded = true;
            inputs.push_back(std::move(in));
            continue;
        }
        std::error_code ec;
        fs::file_status st = fs::status(p, ec);
        if (ec || !fs::exists(st)) {
            diags.push_back(
                fileDiag(std::make_shared<const std::string>(p), "no such file or directory", "file.missing"));
            inputError = true;
            continue;
        }
        if (fs::is_directory(st)) {
            std::string folderError;
            for (std::string& f : manifestFilesIn(p, folderError)) {
                Input in;
                in.path = f;
                in.name = std::make_shared<const std::string>(std::move(f));
                inputs.push_back(std::move(in));
            }
            if (!folderError.empty())
                diags.push_back(fileDiag(std::make_shared<const std::string>(p), "cannot read folder: " + folderError,
                                         "file.folder"));
            continue;
        }
        Input in;
        in.name = std::make_shared<const std::string>(p);
        in.path = p;
        inputs.push_back(std::move(in));
    }
    return finish(inputs, std::move(diags), opt, "files: " + source, inputError);
}

std::vector<std::string> manifestFilesIn(const std::string& folder, std::string& error) {
    std::vector<fs::path> found;
    std::error_code ec;
    fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        const fs::path& entry = it->path();
        std::string fname = entry.filename().string();
        if (!fname.empty() && fname[0] == '.') {
            if (it->is_directory(ec)) it.disable_recursion_pending();
            continue;
        }
        if (it->is_regular_file(ec) && isManifestFile(entry)) found.push_back(entry);
    }
    error = ec ? ec.message() : std::string();
    std::sort(found.begin(), found.end());
    std::vector<std::string> files;
    files.reserve(found.size());
    for (const fs::path& f : found) files.push_back(f.string());
    return files;
}

LoadResult loadTexts(std::vector<InputText> texts, const LoadOptions& opt) {
    std::vector<Input> inputs;
    std::string source;
    for (auto& t : texts) {
        Input in;
        if (!source.empty()) source += ", ";
        source += t.name;
        in.name = std::make_shared<const std::string>(std::move(t.name));
        in.text = std::move(t.text);
        in.loaded = true;
        inputs.push_back(std::move(in));
    }
    return finish(inputs, {}, opt, source, false);
}

SourceLoc locateInSource(const ObjectMeta& meta, std::string_view fieldPath) {
    SourceLoc loc = meta.loc;
    if (!meta.source) return loc;
    Diagnostics ignored;
    auto docs = looksLikeJson(meta.source->text) ? readJsonDocuments(meta.source->text, meta.source->loc.file, ignored)
                                                 : readYamlDocuments(meta.source->text, meta.source->loc.file, ignored);
    if (docs.empty() || docs.front().failed) return loc;
    std::string path = meta.sourcePath.empty()
        ? std::string(fieldPath)
        : meta.sourcePath + (fieldPath.empty() ? "" : ".") + std::string(fieldPath);
    Mark m = locateField(docs.front().root, path);
    if (m.line) {
        loc.file = meta.source->loc.file;
        loc.line = m.line + meta.source->loc.line - 1;
        loc.col = m.col;
    }
    return loc;
}

}  // namespace hs::model
