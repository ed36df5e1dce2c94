--[[
accessible.lua: accessibility rules shared by both engines (Quarto lists it in _quarto.yml;
the built-in engine passes it to Pandoc from the staged project). Plain Pandoc Lua: no Quarto
API, so one file serves both.

* HTML tables: the header row's cells are <th scope="col">, each body row's first cell (its
  label) is <th scope="row">, and the table sits in a focusable, labelled scroll region
  (<div class="table-region" role="region" aria-label="..." tabindex="0">), so a wide table
  scrolls inside the page at 320 px instead of widening the page (WCAG 1.4.10 reflow). The
  label is the table's caption. With Quarto the caption belongs to the table's float.
* HTML charts: each image sits in a focusable, labelled region (class figure-region) that
  scrolls sideways when the column is narrower than the chart's minimum width, so at 320 px
  its labels stay readable instead of shrinking to a few pixels.
* Word: a filled table of contents. Word fills a TOC field only when the reader updates
  fields, so the field is written with its result already in: one hyperlinked entry per
  heading of the two top levels, in the TOC 1 and TOC 2 styles. Word shows the entries at
  once (as do LibreOffice and Word on the web); "Update field" in Word adds page numbers. It
  follows the synthetic-data notice, so the notice still opens the document. The title comes
  from `toc-title` (default "Contents"); set `reportkit-docx-toc: false` to leave it out.
  A heading identifier longer than Word's 40-character bookmark limit is shortened (with the
  links to it), so every entry and cross-reference lands on its heading.
]]

local function is_html()
  return FORMAT:match("html") ~= nil
end

-- The class of a table already in its region: a later pass leaves it.
local WRAPPED = "in-region"

local function mark_headers(tbl)
  for _, row in ipairs(tbl.head.rows) do
    for _, cell in ipairs(row.cells) do
      cell.attributes.scope = "col"
    end
  end
  local columns = #tbl.colspecs
  for _, body in ipairs(tbl.bodies) do
    if columns > 1 then
      body.row_head_columns = 1
      for _, row in ipairs(body.body) do
        if #row.cells > 0 then
          row.cells[1].attributes.scope = "row"
        end
      end
    end
  end
  return tbl
end

local function region(tbl, label)
  if label == nil or label == "" then
    label = "Table"
  end
  tbl.classes:insert(WRAPPED)
  -- Attributes as a list of pairs: a Lua table's order is not fixed, and the HTML must be
  -- the same bytes from one build to the next.
  return pandoc.Div({ mark_headers(tbl) }, pandoc.Attr("", { "table-region" }, {
    { "role", "region" }, { "aria-label", label }, { "tabindex", "0" },
  }))
end

local function caption_text(tbl)
  return pandoc.utils.stringify(tbl.caption.long or {})
end

-- A chart keeps a readable size on a narrow screen: its image sits in a focusable, labelled
-- region that scrolls sideways when the column is narrower than the chart's minimum width
-- (reportkit.css), rather than shrinking its labels to a few pixels.
local function chart_region(blocks, label)
  return pandoc.Div(blocks, pandoc.Attr("", { "figure-region" }, {
    { "role", "region" }, { "aria-label", label ~= "" and label or "Figure" }, { "tabindex", "0" },
  }))
end

local function html_figure(figure)
  if not is_html() then
    return nil
  end
  figure.content = { chart_region(figure.content, pandoc.utils.stringify(figure.caption.long)) }
  return figure
end

local function html_table(tbl)
  if not is_html() or tbl.classes:includes(WRAPPED) then
    return nil
  end
  return region(tbl, caption_text(tbl))
end

local function html_float(float)
  -- Quarto's floats: the caption is the float's, not the table's or the image's.
  if not is_html() then
    return nil
  end
  -- Quarto numbers captions later: name the kind, so a figure and a table with the same
  -- caption still get distinct labels.
  local label = float.type .. ": " .. pandoc.utils.stringify(float.caption_long or {})
  if float.type == "Figure" then
    float.content = chart_region(pandoc.Blocks(float.content), label)
    return float
  elseif float.type ~= "Table" then
    return nil
  end
  float.content = float.content:walk({
    Table = function(tbl)
      local text = caption_text(tbl)
      return region(tbl, text ~= "" and text or label)
    end,
  })
  return float
end

-- Word's table of contents ------------------------------------------------------------------

local function xml_escape(text)
  return (text:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"):gsub('"', "&quot;"))
end

local function paragraph(style, runs)
  return '<w:p><w:pPr><w:pStyle w:val="' .. style .. '"/></w:pPr>' .. runs .. "</w:p>"
end

local function entry(header)
  local text = xml_escape(pandoc.utils.stringify(header.content))
  local run = '<w:r><w:rPr><w:rStyle w:val="Hyperlink"/></w:rPr><w:t xml:space="preserve">'
    .. text .. "</w:t></w:r>"
  if header.identifier == "" then
    return run
  end
  return '<w:hyperlink w:anchor="' .. xml_escape(header.identifier) .. '">' .. run
    .. "</w:hyperlink>"
end

local function headings(blocks)
  local found, top = {}, nil
  blocks:walk({
    Header = function(header)
      table.insert(found, header)
      top = math.min(top or header.level, header.level)
    end,
  })
  local listed = {}
  for _, header in ipairs(found) do
    if header.level <= top + 1 then
      table.insert(listed, { level = header.level - top + 1, header = header })
    end
  end
  return listed
end

-- Word drops a bookmark named with more than 40 characters (Pandoc then writes none), and a
-- link to it goes nowhere: shorten such heading identifiers, and the links to them.
local BOOKMARK_MAX = 40

local function short_identifiers(doc)
  local renamed = {}
  doc.blocks = doc.blocks:walk({
    Header = function(header)
      local id = header.identifier
      if #id > BOOKMARK_MAX then
        renamed[id] = id:sub(1, 30):gsub("%-+$", "") .. "-" .. pandoc.utils.sha1(id):sub(1, 8)
        header.identifier = renamed[id]
        return header
      end
    end,
  })
  if next(renamed) == nil then
    return doc
  end
  doc.blocks = doc.blocks:walk({
    Link = function(link)
      local target = link.target:match("^#(.+)$")
      if target and renamed[target] then
        link.target = "#" .. renamed[target]
        return link
      end
    end,
  })
  return doc
end

local function docx_toc(doc)
  if FORMAT ~= "docx" then
    return nil
  end
  doc = short_identifiers(doc)
  if doc.meta["reportkit-docx-toc"] == false then
    return doc
  end
  local listed = headings(doc.blocks)
  if #listed == 0 then
    return doc
  end
  local title = doc.meta["toc-title"] and pandoc.utils.stringify(doc.meta["toc-title"])
    or "Contents"
  local field = '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    .. '<w:r><w:instrText xml:space="preserve"> TOC \\o "1-2" \\h \\z \\u </w:instrText></w:r>'
    .. '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
  local parts = {
    '<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/>'
      .. "<w:docPartUnique/></w:docPartObj></w:sdtPr><w:sdtContent>",
    paragraph("TOCHeading", '<w:r><w:t xml:space="preserve">' .. xml_escape(title)
      .. "</w:t></w:r>"),
  }
  for i, item in ipairs(listed) do
    local runs = entry(item.header)
    if i == 1 then
      runs = field .. runs
    end
    if i == #listed then
      runs = runs .. '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    end
    table.insert(parts, paragraph("TOC" .. item.level, runs))
  end
  table.insert(parts, "</w:sdtContent></w:sdt>")
  local position = 1
  for i, block in ipairs(doc.blocks) do
    if block.t == "Div" and block.attributes["custom-style"] == "Synthetic Notice" then
      position = i + 1
    end
  end
  doc.blocks:insert(position, pandoc.RawBlock("openxml", table.concat(parts)))
  return doc
end

return {
  { FloatRefTarget = html_float },
  { Table = html_table, Figure = html_figure },
  { Pandoc = docx_toc },
}
