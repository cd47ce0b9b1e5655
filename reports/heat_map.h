// A labelled heat map (rows x columns of values) rendered to PNG with OpenCV, each cell
// printed with its value; missing cells (NaN) are grey.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace fb::reports {

struct HeatMapSpec {
  std::string title;
  std::string row_label;     // what the rows are, e.g. "fit on"
  std::string column_label;  // e.g. "evaluated on"
  std::vector<std::string> rows;
  std::vector<std::string> columns;
  std::vector<std::vector<double>> values;  // (rows x columns); NaN = no value
  bool lower_is_better = true;              // colours the best cells bright
};

// Writes the PNG atomically. Throws std::invalid_argument when values do not match the
// labels' shape, std::runtime_error naming the path on I/O failure.
void WriteHeatMapPng(const std::filesystem::path& path, const HeatMapSpec& spec);

}  // namespace fb::reports
