#pragma once

// How a module describes its part of the configuration file without depending on a TOML
// library. Each module with settings defines, next to its settings struct,
//
//   template <typename V> void DescribeSettings(V& v, TheSettings& s);
//
// naming its table(s) and keys and binding each key to a field with its bounds. The config
// module calls it with a visitor that reads a TOML file (config::TomlReader); tests call it with
// one that lists every key. Nothing else about the file format is known to the module.
//
// A visitor `v` offers:
//   v.Table("name")                         the keys that follow belong to [name]
//   v.Integer("key", field, min, max)       any integral field
//   v.Number("key", double_field, min, max)
//   v.Boolean("key", bool_field)
//   v.Text("key", string_field)
//   v.Duration("key", duration_field, min)  "90s", "15m", "1h", "7d", "500ms", or seconds
//   v.List("key", add)                      an array of strings; add(text) returns absl::Status
//   v.Entries("key", read)                  an array of tables ([[name.key]]); read(entry) is
//                                           called with a visitor of the entry's own keys and
//                                           returns absl::Status
//   v.Require(condition, "message")         a rule across keys, checked after they are read
