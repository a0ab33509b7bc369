"""The national catalogue search: one request body and the page it answers.

Words match a procedure's name (Vietnamese or English) or its agencies' names with
diacritics optional (`vi_text`), each word whole or as a prefix; a code matches
whole or by prefix. The province asked for comes first, then the rest of the
country; within each, the best match first, then by province and code.
"""

TEXT_FIELDS = ["name^3", "name_en", "agencies.name"]
PREFIX_FIELDS = ["name.prefix^2", "name_en.prefix", "agencies.name.prefix"]
# what a match shows (the document's bookkeeping fields stay in the index)
SHOWN = ("code", "province", "name", "name_en", "level", "fee", "agencies",
         "received_elsewhere", "version")  # fmt: skip


def text_clause(text):
    should = [
        {
            "multi_match": {
                "query": text,
                "fields": names,
                "type": "cross_fields",
                "operator": "and",
            }
        }
        for names in (TEXT_FIELDS, PREFIX_FIELDS)
    ]
    code = text.strip().lower()
    should.append({"term": {"code": {"value": code, "boost": 10}}})
    should.append({"prefix": {"code": {"value": code, "boost": 5}}})
    return {"bool": {"should": should, "minimum_should_match": 1}}


def search_body(text, province, page, page_size):
    query = {"bool": {"filter": [{"term": {"withdrawn": False}}]}}
    if text and text.strip():
        query["bool"]["must"] = [text_clause(text)]
    sort = [{"_score": "desc"}, {"province": "asc"}, {"code": "asc"}]
    if province:
        # 0 for the asked province, 1 for the others: it comes first whatever the
        # relevance (a small catalogue per match, so a script sort is cheap)
        sort.insert(0, {
            "_script": {
                "type": "number",
                "order": "asc",
                "script": {
                    "lang": "painless",
                    "source": "doc['province'].value == params.p ? 0 : 1",
                    "params": {"p": province},
                },
            }
        })  # fmt: skip
    return {
        "query": query,
        "sort": sort,
        "from": (page - 1) * page_size,
        "size": page_size,
        "track_total_hits": True,
        "_source": list(SHOWN),
    }


def page_of(response):
    hits = response["hits"]
    return {
        "items": [hit["_source"] for hit in hits["hits"]],
        "total": hits["total"]["value"],
    }
