#include "reports/svg_canvas.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fb::reports {
namespace {

using ::testing::HasSubstr;

TEST(SvgCanvasTest, MapsLinearAndLogAxesOntoThePlotArea) {
  const SvgCanvas linear(400, 300, "t", Axis{0, 10, false, "x", false}, Axis{0, 1, false, "y", false}, 50, 50);
  EXPECT_DOUBLE_EQ(linear.MapX(0), 50);
  EXPECT_DOUBLE_EQ(linear.MapX(10), 380);  // width - right margin (20)
  EXPECT_DOUBLE_EQ(linear.MapY(0), 250);   // height - bottom
  const SvgCanvas log(400, 300, "t", Axis{1, 100, true, "x", false}, Axis{0, 1, false, "y", false}, 50, 50);
  EXPECT_DOUBLE_EQ(log.MapX(10), 215);  // halfway between 1 and 100 on a log axis
}

TEST(SvgCanvasTest, EscapesTextSoLabelsCannotInjectMarkup) {
  EXPECT_EQ(EscapeXml("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
  SvgCanvas canvas(200, 100, "<script>", Axis{}, Axis{});
  canvas.Text(1, 1, "x & y");
  const std::string svg = canvas.Finish();
  EXPECT_THAT(svg, HasSubstr("<title>&lt;script&gt;</title>"));
  EXPECT_THAT(svg, HasSubstr(">x &amp; y</text>"));
  EXPECT_THAT(svg, ::testing::Not(HasSubstr("<script>")));
}

}  // namespace
}  // namespace fb::reports
