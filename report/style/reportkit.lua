--[[
reportkit.lua: reportkit's Quarto filter (the built-in engine has its own, in
src/reportkit/render/templates/reportkit.lua, for the same house rules).

* Word: a callout becomes paragraphs in the reference document's "Callout" style (a bold title,
  then its content) instead of Quarto's layout table; the synthetic-data notice opens the
  document in the "Synthetic Notice" style when synthetic_data is true.
* HTML: an empty anchor, id "content", where the text starts: the skip link's target.
* Every format: an embedded notebook cell keeps no attributes naming the notebook's path on
  the build machine (Quarto adds data-notebook and friends to its wrapper div). In Typst the
  wrapper goes altogether: as a #block it would stop a chart floating.
]]

local TITLES = {
  note = "Note", warning = "Warning", important = "Important", tip = "Tip", caution = "Caution",
}

local function is_docx()
  return quarto.doc.is_format("docx")
end

local function callout_to_docx(callout)
  if not is_docx() then
    return nil
  end
  local title = callout.title
  local kind = pandoc.utils.type(title)
  if title == nil or #pandoc.utils.stringify(title) == 0 then
    title = pandoc.Inlines({ pandoc.Str(TITLES[callout.type] or "Note") })
  elseif kind == "Blocks" then
    title = pandoc.utils.blocks_to_inlines(title)
  elseif kind == "Block" then
    title = pandoc.utils.blocks_to_inlines(pandoc.Blocks({ title }))
  elseif kind == "Inline" then
    title = pandoc.Inlines({ title })
  elseif kind ~= "Inlines" then
    title = pandoc.Inlines({ pandoc.Str(pandoc.utils.stringify(title)) })
  end
  local blocks = pandoc.Blocks({ pandoc.Para({ pandoc.Strong(title) }) })
  local content = callout.content
  if pandoc.utils.type(content) == "Blocks" then
    blocks:extend(content)
  elseif content ~= nil then
    blocks:insert(content)
  end
  return pandoc.Div(blocks, { ["custom-style"] = "Callout" })
end

local EMBED_ATTRIBUTES = { "notebook", "notebook-title", "notebook-cellid" }

local function strip_embed_paths(div)
  if not div.classes:includes("quarto-embed-nb-cell") then
    return nil
  end
  if quarto.doc.is_format("typst") then
    -- Typst writes a div as #block[...], which would hold a chart in place: unwrapped, the
    -- chart floats past the page's end as the house style says (typst-template.typ).
    return div.content
  end
  for _, name in ipairs(EMBED_ATTRIBUTES) do
    div.attributes[name] = nil
    div.attributes["data-" .. name] = nil
  end
  return div
end

local function add_content_anchor(doc)
  -- The skip link's target (skip-link.html): where the text starts, after title and contents.
  if quarto.doc.is_format("html") then
    doc.blocks:insert(1, pandoc.Div({}, pandoc.Attr("content", { "content-start" })))
    return doc
  end
  return nil
end

local function add_synthetic_notice(doc)
  if not is_docx() or doc.meta.synthetic_data ~= true or doc.meta.synthetic_notice == nil then
    return nil
  end
  local notice = pandoc.Inlines({})
  if doc.meta.synthetic_label ~= nil then
    notice:insert(pandoc.Strong(pandoc.Inlines(doc.meta.synthetic_label)))
    notice:extend({ pandoc.Str("."), pandoc.Space() })
  end
  notice:extend(pandoc.Inlines(doc.meta.synthetic_notice))
  doc.blocks:insert(1, pandoc.Div({ pandoc.Para(notice) }, { ["custom-style"] = "Synthetic Notice" }))
  return doc
end

return {
  { Callout = callout_to_docx, Div = strip_embed_paths },
  { Pandoc = add_synthetic_notice },
  { Pandoc = add_content_anchor },
}
