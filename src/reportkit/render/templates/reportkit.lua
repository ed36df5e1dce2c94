--[[
reportkit.lua: the Pandoc filter of reportkit's built-in engine (Pandoc + Typst).

* Callouts: ::: {.callout-note|warning|important|tip|caution} with an optional first
  "## Title" heading or a title="..." attribute, written per output format
  (HTML: a labelled <div role="note">; DOCX: paragraphs in the "Callout" style;
  Typst: the template's #callout function).
* Typst: image paths become project-root-relative ("/...") so Typst can read them.
* DOCX: the synthetic-data label and notice open the document when synthetic_data is true.
]]

local TITLES = {
  note = "Note", warning = "Warning", important = "Important", tip = "Tip", caution = "Caution",
}

local typst_root = nil
local doc_dir = nil
local synthetic = false
local notice = nil
local label = nil

local function callout_kind(el)
  for _, class in ipairs(el.classes) do
    local kind = class:match("^callout%-(%a+)$")
    if kind then
      if not TITLES[kind] then
        error("reportkit: unsupported callout type '" .. class .. "' (use callout-note, "
          .. "callout-warning, callout-important, callout-tip or callout-caution)")
      end
      return kind
    end
  end
  return nil
end


local function callout(el)
  local kind = callout_kind(el)
  if not kind then
    return nil
  end
  local content = el.content
  local title = nil
  if el.attributes.title then
    title = pandoc.Inlines(pandoc.read(el.attributes.title, "markdown").blocks[1].content)
  elseif #content > 0 and content[1].t == "Header" then
    title = content[1].content
    content = pandoc.Blocks({ table.unpack(content, 2) })
  end
  title = title or pandoc.Inlines({ pandoc.Str(TITLES[kind]) })

  if FORMAT:match("html") then
    local head = pandoc.Div({ pandoc.Plain({ pandoc.Strong(title) }) }, { class = "callout-title" })
    local body = pandoc.Div(content, { class = "callout-body" })
    -- Attributes as a list of pairs, in a fixed order (a Lua table's order is not).
    return pandoc.Div({ head, body }, pandoc.Attr("", { "callout", "callout-" .. kind }, {
      { "role", "note" }, { "aria-label", pandoc.utils.stringify(title) },
    }))
  elseif FORMAT:match("typst") then
    local title_typ = pandoc.write(pandoc.Pandoc({ pandoc.Plain(title) }), "typst")
    local blocks = pandoc.Blocks({
      pandoc.RawBlock("typst", '#callout(kind: "' .. kind .. '", title: [' .. title_typ .. "])["),
    })
    blocks:extend(content)
    blocks:insert(pandoc.RawBlock("typst", "]"))
    return blocks
  elseif FORMAT:match("docx") then
    local blocks = pandoc.Blocks({ pandoc.Para({ pandoc.Strong(title) }) })
    blocks:extend(content)
    return pandoc.Div(blocks, { ["custom-style"] = "Callout" })
  end
  return pandoc.Div(content, el.attr)
end

local function typst_string(s)
  s = s:gsub("\\", "\\\\"):gsub('"', '\\"'):gsub("%s+", " ")
  return '"' .. s .. '"'
end

local function typst_image(el)
  if not typst_root or el.src:match("^%a[%w+.-]*:") then
    return nil
  end
  local src = el.src
  if not pandoc.path.is_absolute(src) then
    src = pandoc.path.join({ doc_dir, src })
  end
  local rel = pandoc.path.make_relative(pandoc.path.normalize(src), typst_root)
  if pandoc.path.is_absolute(rel) or rel:match("^%.%.") then
    error("reportkit: image outside the Typst root: " .. el.src)
  end
  local path = "/" .. rel:gsub("\\", "/")
  local alt = el.attributes.alt or pandoc.utils.stringify(el.caption)
  -- Typst's image() takes alt text (kept in the tagged PDF); Pandoc's writer does not pass it.
  local args = { typst_string(path) }
  if alt ~= "" then
    table.insert(args, "alt: " .. typst_string(alt))
  end
  local width = el.attributes.width
  if width and width:match("^%d+%.?%d*%%$") then
    table.insert(args, "width: " .. width)
  end
  return pandoc.RawInline("typst", "#image(" .. table.concat(args, ", ") .. ")")
end

local function read_meta(meta)
  if meta["reportkit-typst-root"] then
    typst_root = pandoc.utils.stringify(meta["reportkit-typst-root"])
  end
  doc_dir = meta["reportkit-doc-dir"] and pandoc.utils.stringify(meta["reportkit-doc-dir"]) or "."
  synthetic = meta.synthetic_data == true
  notice = meta.synthetic_notice
  label = meta.synthetic_label
end

local function add_notice(doc)
  if FORMAT:match("docx") and synthetic and notice then
    local inlines = pandoc.Inlines({})
    if label then
      inlines:insert(pandoc.Strong(pandoc.Inlines(label)))
      inlines:extend({ pandoc.Str("."), pandoc.Space() })
    end
    inlines:extend(pandoc.Inlines(notice))
    local para = pandoc.Para(inlines)
    doc.blocks:insert(1, pandoc.Div({ para }, { ["custom-style"] = "Synthetic Notice" }))
  end
  return doc
end

return {
  { Meta = read_meta },
  { Div = callout, Image = function(el)
      if FORMAT:match("typst") then return typst_image(el) end
      return nil
    end },
  { Pandoc = add_notice },
}
