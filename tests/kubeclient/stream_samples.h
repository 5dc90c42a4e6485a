#pragma once
// Sample API responses for tst_stream. They live in their own source file because moc, which
// reads the test's source, mis-parses raw strings holding escaped quotes.
#include <string>

extern const std::string kEvents;  // three watch events, strings with braces and escaped quotes
extern const std::string kList;  // a ServiceList page with metadata and three items
extern const std::string kExpiredEvent;  // an ERROR event carrying a 410 Status
