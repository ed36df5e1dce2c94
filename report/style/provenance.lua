--[[
provenance.lua: "About the figures" and "Revisions", shared by both engines (Quarto lists it in
_quarto.yml; the built-in engine passes it to Pandoc from the staged project). Plain Pandoc Lua.

It reads _provenance.json, which reportkit stages beside _quarto.yml from facts.json
(src/reportkit/render/provenance.py). Without that file (a project staged by hand without it)
the filter changes nothing.

It runs twice. The first pass (before accessible.lua, so that the Word contents list the new
headings and HTML tables get their scroll regions) adds the sections: "Revisions" and the
heading of the annex with an empty div (id "fact-annex"). The second pass (with Quarto: at
post-quarto, once its shortcodes have become the fact spans) finds that div, links the facts
and fills it. _quarto.yml lists the file twice; the built-in engine passes it twice.

* Every quoted fact (a span of class "fact", named by data-fact) is listed, once, in order of
  first appearance, in an annex at the end of the document: "About the figures".
* HTML: each quoted fact links to its entry (id "fact-<name>", focusable), and the entry gives
  the fact's label, value, definition, numerator, denominator, unit, the notebook cell it came
  from and the open-data row it appears in. The link wraps the span, so the span and its text
  are as before and a screen reader reads the sentence as written; the annex is read only when
  the reader goes there. A fact in a heading or already in a link is listed but not linked.
* PDF and Word: the same annex as a table (no links).
* A div of class "reportkit-revisions" becomes the "Revisions" section: the figures this
  edition changed from the edition it revises, each with its old and new value and the reason.
  When the edition revises none (no `revises` in the params) the div goes, heading and all.
All text comes from the JSON as plain strings, built as Pandoc text: nothing is read as Markdown.
]]

local function is_html()
  return FORMAT:match("html") ~= nil
end

local function text(value)
  return pandoc.Inlines(value or "")
end

local function project_dir(meta)
  if meta["reportkit-project-dir"] then
    return pandoc.utils.stringify(meta["reportkit-project-dir"])
  end
  if quarto and quarto.project and quarto.project.directory then
    return quarto.project.directory
  end
  return "."
end

local function read_provenance(meta)
  local handle = io.open(pandoc.path.join({ project_dir(meta), "_provenance.json" }), "r")
  if handle == nil then
    return nil
  end
  local body = handle:read("a")
  handle:close()
  return pandoc.json.decode(body, false)
end

-- Quoted facts in order of first appearance; in HTML each one linked to its entry.
local function link_facts(blocks, data)
  local order, seen = {}, {}
  local function note(name)
    if name and data.facts[name] and not seen[name] then
      seen[name] = true
      table.insert(order, name)
    end
  end
  local function collect(element)
    element:walk({ Span = function(span) note(span.attributes["data-fact"]) end })
  end
  local linked = blocks:walk({
    traverse = "topdown",
    Header = function(header)
      collect(header)
      return header, false
    end,
    Link = function(link)
      collect(link)
      return link, false
    end,
    Span = function(span)
      local name = span.attributes["data-fact"]
      if not span.classes:includes("fact") or not name or not data.facts[name] then
        return nil
      end
      note(name)
      if not is_html() then
        return span, false
      end
      return pandoc.Link({ span }, "#fact-" .. name, "", pandoc.Attr("", { "fact-link" })), false
    end,
  })
  return linked, order
end

local function entry_html(item)
  local definitions = {}
  for _, field in ipairs(item.fields) do
    table.insert(definitions, { text(field[1]), { { pandoc.Plain(text(field[2])) } } })
  end
  local heading = pandoc.Para({ pandoc.Strong(text(item.label)), pandoc.Str(":"), pandoc.Space(),
    pandoc.Str(item.value) })
  return pandoc.Div({ heading, pandoc.DefinitionList(definitions) },
    pandoc.Attr("fact-" .. item.name, { "fact-entry" }, { { "tabindex", "-1" } }))
end

local function cell(value)
  return { pandoc.Plain(text(value)) }
end

local function entry_row(item)
  local fields = {}
  for _, field in ipairs(item.fields) do
    fields[field[1]] = field[2]
  end
  local counted = {}
  for _, term in ipairs({ "Numerator", "Denominator" }) do
    if fields[term] then
      table.insert(counted, term .. ": " .. fields[term])
    end
  end
  local source = {}
  for _, term in ipairs({ "Computed in", "Open data" }) do
    if fields[term] then
      table.insert(source, fields[term])
    end
  end
  local what = fields["Definition"] or ""
  what = (what ~= "" and (what .. "; ") or "") .. fields["Unit"]
  return { cell(item.label), cell(item.value), cell(what), cell(table.concat(counted, "; ")),
    cell(table.concat(source, "; ")) }
end

local function simple_table(caption, headers, widths, rows)
  local header_cells = {}
  local aligns = {}
  for index, header in ipairs(headers) do
    header_cells[index] = cell(header)
    aligns[index] = pandoc.AlignDefault
  end
  return pandoc.utils.from_simple_table(
    pandoc.SimpleTable(text(caption), aligns, widths, header_cells, rows))
end

local ANNEX_DIV = "fact-annex"

local function annex_heading(data)
  return {
    pandoc.Header(2, text(data.title), pandoc.Attr(data.id)),
    pandoc.Div({}, pandoc.Attr(ANNEX_DIV)),
  }
end

local function annex(data, order)
  local blocks = pandoc.Blocks({
    pandoc.Para(text("Each figure quoted in this document, in the order it first appears: what it "
      .. "counts, what it is a share of, and where it was computed and published. Every figure "
      .. "is computed from the data by the report's notebooks; none is typed by hand.")),
  })
  if #order == 0 then
    return { pandoc.Para(text("This document quotes no figures.")) }
  end
  if is_html() then
    for _, name in ipairs(order) do
      blocks:insert(entry_html(data.facts[name]))
    end
    return blocks
  end
  local rows = {}
  for _, name in ipairs(order) do
    table.insert(rows, entry_row(data.facts[name]))
  end
  blocks:insert(simple_table("Where each figure in this document comes from",
    { "Figure", "Value", "What it is", "Numerator and denominator", "Where it comes from" },
    { 0.2, 0.08, 0.24, 0.22, 0.26 }, rows))
  return blocks
end

local function revisions(data)
  if data.revisions == nil then
    return {}
  end
  local blocks = {
    pandoc.Header(2, text("Revisions"), pandoc.Attr("revisions")),
    pandoc.Para(text(data.revisions.intro)),
  }
  local rows = {}
  for _, change in ipairs(data.revisions.rows) do
    table.insert(rows, { cell(change.label), cell(change.old), cell(change.new), cell(change.reason) })
  end
  if #rows > 0 then
    table.insert(blocks, simple_table("Figures revised since the previous edition",
      { "Figure", "Previous edition", "This edition", "Reason" }, { 0.34, 0.14, 0.14, 0.38 }, rows))
  end
  return blocks
end

local function has_annex_div(blocks)
  local found = false
  blocks:walk({
    Div = function(div)
      if div.identifier == ANNEX_DIV then
        found = true
      end
    end,
  })
  return found
end

-- First pass: the sections.
local function add_sections(doc, data)
  doc.blocks = doc.blocks:walk({
    Div = function(div)
      if div.classes:includes("reportkit-revisions") then
        return revisions(data)
      end
    end,
  })
  doc.blocks:extend(annex_heading(data))
  return doc
end

-- Second pass: the links and the annex's entries.
local function fill_annex(doc, data)
  local linked, order = link_facts(doc.blocks, data)
  doc.blocks = linked:walk({
    Div = function(div)
      if div.identifier == ANNEX_DIV then
        return annex(data, order)
      end
    end,
  })
  return doc
end

function Pandoc(doc)
  local data = read_provenance(doc.meta)
  if data == nil then
    return nil
  end
  if has_annex_div(doc.blocks) then
    return fill_annex(doc, data)
  end
  return add_sections(doc, data)
end
