#pragma once
// Command-line arguments for hopscope-cli: options with values (`--url U`, `--url=U`), repeated
// options (`-H`), flags, and positional words. Unknown options are errors, reported with the
// option's name, so a typo never silently changes a result.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace hs::cli {

struct OptionSpec {
    std::string name;  // "--url" or "-f"
    std::string alias;  // optional short or long twin
    bool takesValue = true;
    bool repeatable = false;
    bool multiValue = false;  // consumes following words until the next option (-f a b c)
    std::string help;
    std::string metavar;
};

class Args {
public:
    // Parses argv[first..]; on error returns nullopt and sets `error`.
    static std::optional<Args> parse(const std::vector<OptionSpec>& specs, const std::vector<std::string>& words,
                                     std::string& error);

    bool has(const std::string& name) const { return values_.count(name) > 0 || flags_.count(name) > 0; }
    std::optional<std::string> get(const std::string& name) const;
    std::string get(const std::string& name, const std::string& def) const { return get(name).value_or(def); }
    std::vector<std::string> all(const std::string& name) const;
    const std::vector<std::string>& positional() const { return positional_; }

private:
    std::map<std::string, std::vector<std::string>> values_;
    std::set<std::string> flags_;
    std::vector<std::string> positional_;
};

std::string formatOptions(const std::vector<OptionSpec>& specs);

}  // namespace hs::cli
