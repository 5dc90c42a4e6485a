#include "app/cli/args.h"

#include <algorithm>

namespace hs::cli {

std::optional<Args> Args::parse(const std::vector<OptionSpec>& specs, const std::vector<std::string>& words,
                                std::string& error) {
    Args a;
    auto findSpec = [&](const std::string& name) -> const OptionSpec* {
        for (const auto& s : specs)
            if (s.name == name || (!s.alias.empty() && s.alias == name)) return &s;
        return nullptr;
    };
    for (std::size_t i = 0; i < words.size(); ++i) {
        const std::string& w = words[i];
        if (w.size() < 2 || w[0] != '-' || w == "-") {
            a.positional_.push_back(w);
            continue;
        }
        if (w == "--") {
            for (++i; i < words.size(); ++i) a.positional_.push_back(words[i]);
            break;
        }
        std::string name = w, inlineValue;
        bool hasInline = false;
        if (auto eq = w.find('='); eq != std::string::npos && w.rfind("--", 0) == 0) {
            name = w.substr(0, eq);
            inlineValue = w.substr(eq + 1);
            hasInline = true;
        }
        const OptionSpec* spec = findSpec(name);
        if (!spec) {
            error = "unknown option " + name;
            return std::nullopt;
        }
        const std::string& key = spec->name;
        if (!spec->takesValue) {
            if (hasInline) {
                error = "option " + name + " takes no value";
                return std::nullopt;
            }
            a.flags_.insert(key);
            continue;
        }
        std::vector<std::string> vals;
        if (hasInline) {
            vals.push_back(inlineValue);
        } else {
            if (i + 1 >= words.size()) {
                error = "option " + name + " needs a value" + (spec->metavar.empty() ? "" : " (" + spec->metavar + ")");
                return std::nullopt;
            }
            vals.push_back(words[++i]);
            if (spec->multiValue)
                while (i + 1 < words.size() && (words[i + 1].empty() || words[i + 1][0] != '-' || words[i + 1] == "-"))
                    vals.push_back(words[++i]);
        }
        auto& slot = a.values_[key];
        if (!slot.empty() && !spec->repeatable && !spec->multiValue) {
            error = "option " + name + " given more than once";
            return std::nullopt;
        }
        slot.insert(slot.end(), vals.begin(), vals.end());
    }
    return a;
}

std::optional<std::string> Args::get(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end() || it->second.empty()) return std::nullopt;
    return it->second.back();
}

std::vector<std::string> Args::all(const std::string& name) const {
    auto it = values_.find(name);
    return it == values_.end() ? std::vector<std::string>{} : it->second;
}

std::string formatOptions(const std::vector<OptionSpec>& specs) {
    std::string out;
    for (const auto& s : specs) {
        std::string left = "  " + s.name;
        if (!s.alias.empty()) left += ", " + s.alias;
        if (s.takesValue) left += " " + (s.metavar.empty() ? std::string("VALUE") : s.metavar);
        if (left.size() < 30)
            left.append(30 - left.size(), ' ');
        else
            left += "\n" + std::string(30, ' ');
        out += left + s.help + "\n";
    }
    return out;
}

}  // namespace hs::cli
