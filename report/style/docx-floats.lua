--[[
docx-floats.lua: reportkit's Quarto filter run after Quarto's own rendering (post-render), for
Word only. Quarto puts each figure and table, with its caption, in a one-cell layout table; a
screen reader then announces a table around every chart. This filter unwraps each such layout
table into its content: the caption, in the reference document's "Image Caption" (figures) or
"Table Caption" (tables) style, and the figure or the data table itself. Quarto has already
numbered the captions ("Figure 1: ..."). It also gives each image its alternative text, and
puts each chart's PNG (notebooks/figures/<label>.png, written by staging) in place of the SVG
Quarto embeds, since Word needs a raster image.
]]

local function float_kind(cell_blocks)
  for _, block in ipairs(cell_blocks) do
    if block.t == "Div" and block.identifier ~= "" then
      local kind = block.identifier:match("^(%a+)%-")
      if kind == "fig" or kind == "tbl" then
        return kind, block
      end
    end
  end
  return nil
end

local function caption_paragraph(block, style)
  -- Quarto's caption: a Para starting with a raw OpenXML paragraph-properties run.
  if block.t ~= "Para" or #block.content == 0 then
    return nil
  end
  local first = block.content[1]
  if first.t ~= "RawInline" or first.format ~= "openxml" or not first.text:match("Caption") then
    return nil
  end
  local inlines = pandoc.Inlines({ table.unpack(block.content, 2) })
  return pandoc.Div({ pandoc.Para(inlines) }, { ["custom-style"] = style })
end

-- Quarto embeds a chart's SVG in every format; Word needs a raster image. Staging writes each
-- figure's PNG (drawn at print resolution) as notebooks/figures/<label>.png: use it.
local function print_image(float, blocks)
  local project = quarto.project.directory
  if project == nil then
    error("reportkit: render the staged project (quarto render in its folder): Word takes "
      .. "each chart's PNG from notebooks/figures/")
  end
  local png = pandoc.path.join({ project, "notebooks", "figures", float.identifier .. ".png" })
  return blocks:walk({
    Image = function(image)
      if not image.src:match("%.svg$") then
        return nil
      end
      local file = io.open(png, "rb")
      if file == nil then
        error("reportkit: " .. png .. " is missing: Word needs the PNG of " .. float.identifier)
      end
      file:close()
      image.src = png
      return image
    end,
  })
end

local function unwrap(tbl)
  if not quarto.doc.is_format("docx") then
    return nil
  end
  if #tbl.head.rows > 0 or #tbl.bodies ~= 1 or #tbl.bodies[1].body ~= 1 then
    return nil
  end
  local row = tbl.bodies[1].body[1]
  if #row.cells ~= 1 then
    return nil
  end
  local kind, float = float_kind(row.cells[1].contents)
  if kind == nil then
    return nil
  end
  local style = kind == "fig" and "Image Caption" or "Table Caption"
  local blocks = pandoc.Blocks({})
  for _, block in ipairs(float.content) do
    blocks:insert(caption_paragraph(block, style) or block)
  end
  if kind == "fig" then
    blocks = print_image(float, blocks)
  end
  return pandoc.Div(blocks, pandoc.Attr(float.identifier))
end

-- Word reads an image's alternative text from its description, which Pandoc takes from the
-- image's inlines; Quarto keeps the chart's fig-alt in an attribute instead.
local function alt_text(image)
  if not quarto.doc.is_format("docx") then
    return nil
  end
  local alt = image.attributes["fig-alt"] or image.attributes["alt"]
  if alt == nil or alt == "" then
    return nil
  end
  image.caption = pandoc.Inlines({ pandoc.Str(alt) })
  image.attributes["fig-alt"] = nil
  image.attributes["alt"] = nil
  return image
end

return {
  { Image = alt_text },
  { Table = unwrap },
}
