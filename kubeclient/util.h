#pragma once
// Small helpers shared by the kubeclient sources: secret-holding strings, base64, URL encoding,
// file reading. Plain functions; no state.

#include <optional>
#include <string>
#include <string_view>

namespace hs::kube {

// A string holding secret material (token, password, private key). Its memory is wiped when it
// is destroyed or reassigned, so key bytes do not linger in freed heap blocks. It deliberately
// has no stream operator: printing one must be a conscious `.view()`.
class SecretString {
public:
    SecretString() = default;
    explicit SecretString(std::string s) : s_(std::move(s)) {}
    SecretString(const SecretString& o) : s_(o.s_) {}
    SecretString(SecretString&& o) noexcept : s_(std::move(o.s_)) { o.wipe(); }
    SecretString& operator=(const SecretString& o);
    SecretString& operator=(SecretString&& o) noexcept;
    ~SecretString() { wipe(); }

    bool empty() const { return s_.empty(); }
    std::size_t size() const { return s_.size(); }
    std::string_view view() const { return s_; }
    const char* data() const { return s_.data(); }
    void assign(std::string_view v);
    void wipe() noexcept;
    bool operator==(const SecretString& o) const { return s_ == o.s_; }

private:
    std::string s_;
};

// Wipes a plain std::string that held secret bytes (e.g. an HTTP body with a Secret in it).
void wipeString(std::string& s) noexcept;

// Standard base64 (RFC 4648 §4). Whitespace is skipped, padding optional. nullopt when invalid.
std::optional<std::string> base64Decode(std::string_view in);
std::string base64Encode(std::string_view in);
// URL-safe alphabet without padding (JWT segments).
std::optional<std::string> base64UrlDecode(std::string_view in);

// Percent-encodes a query-string value (RFC 3986 unreserved characters stay).
std::string urlEncode(std::string_view in);

std::string_view trimSpace(std::string_view s);

// Reads a whole file; nullopt and `error` (strerror text) when it cannot be read.
std::optional<std::string> readWholeFile(const std::string& path, std::string& error);

// Directory part of a path ("/a/b/c" -> "/a/b"; "c" -> ".").
std::string dirName(const std::string& path);
// Absolute, lexically normalised path (no filesystem access beyond the current directory).
std::string absolutePath(const std::string& path);
// `base/rel` unless rel is absolute or empty.
std::string joinPath(const std::string& base, const std::string& rel);

}  // namespace hs::kube
