#include "model/doc.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace hs::model {

DocNode::DocNode() = default;
DocNode::DocNode(const DocNode&) = default;
DocNode::DocNode(DocNode&&) noexcept = default;
DocNode& DocNode::operator=(const DocNode&) = default;
DocNode& DocNode::operator=(DocNode&&) noexcept = default;
DocNode::~DocNode() = default;

const DocNode* DocNode::find(std::string_view key) const {
    if (type != Type::Map) return nullptr;
    // Last occurrence wins, as in Kubernetes' JSON decoding of a document with duplicate keys.
    for (auto it = members.rbegin(); it != members.rend(); ++it)
        if (it->first == key) return &it->second;
    return nullptr;
}

const DocNode* DocNode::get(std::initializer_list<std::string_view> path) const {
    const DocNode* n = this;
    for (auto key : path) {
        n = n->find(key);
        if (!n) return nullptr;
    }
    return n;
}

namespace {

bool oneOf(std::string_view t, std::initializer_list<std::string_view> words) {
    return std::find(words.begin(), words.end(), t) != words.end();
}

bool isIntText(std::string_view t) {
    if (t.empty()) return false;
    std::size_t i = 0;
    if (t[0] == '+' || t[0] == '-') i = 1;
    if (i >= t.size()) return false;
    auto digits = [&](std::size_t from, auto pred) {
        if (from >= t.size()) return false;
        for (std::size_t k = from; k < t.size(); ++k)
            if (!pred(static_cast<unsigned char>(t[k])) && t[k] != '_') return false;
        return true;
    };
    if (t.size() > i + 2 && t[i] == '0' && (t[i + 1] == 'x' || t[i + 1] == 'X'))
        return digits(i + 2, [](unsigned char c) { return std::isxdigit(c) != 0; });
    if (t.size() > i + 2 && t[i] == '0' && (t[i + 1] == 'b' || t[i + 1] == 'B'))
        return digits(i + 2, [](unsigned char c) { return c == '0' || c == '1'; });
    if (t.size() > i + 2 && t[i] == '0' && (t[i + 1] == 'o' || t[i + 1] == 'O'))
        return digits(i + 2, [](unsigned char c) { return c >= '0' && c <= '7'; });
    if (t[i] == '_') return false;
    return digits(i, [](unsigned char c) { return std::isdigit(c) != 0; });
}

bool isFloatText(std::string_view t) {
    if (oneOf(t,
              {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN"}))
        return true;
    std::size_t i = 0;
    if (!t.empty() && (t[0] == '+' || t[0] == '-')) i = 1;
    bool digitsSeen = false, dot = false, exp = false;
    for (; i < t.size(); ++i) {
        char c = t[i];
        if (std::isdigit(static_cast<unsigned char>(c)) || c == '_') {
            digitsSeen = true;
        } else if (c == '.' && !dot && !exp) {
            dot = true;
        } else if ((c == 'e' || c == 'E') && digitsSeen && !exp) {
            exp = true;
            if (i + 1 < t.size() && (t[i + 1] == '+' || t[i + 1] == '-')) ++i;
            if (i + 1 >= t.size()) return false;
        } else {
            return false;
        }
    }
    return digitsSeen && (dot || exp);
}

}  // namespace

ScalarType resolvePlainScalar(std::string_view t) {
    if (t.empty() || oneOf(t, {"~", "null", "Null", "NULL"})) return ScalarType::Null;
    switch (t[0]) {
    case 'y':
    case 'Y':
    case 'n':
    case 'N':
    case 't':
    case 'T':
    case 'f':
    case 'F':
    case 'o':
    case 'O':
        if (oneOf(t, {"y",    "Y",    "yes",   "Yes",   "YES",   "n",  "N",  "no", "No",  "NO",  "true",
                      "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF"}))
            return ScalarType::Bool;
        return ScalarType::String;
    default: break;
    }
    if (isIntText(t)) return ScalarType::Int;
    if (isFloatText(t)) return ScalarType::Float;
    return ScalarType::String;
}

}  // namespace hs::model
