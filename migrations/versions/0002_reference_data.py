"""reference data: the 2023 sector taxonomy, the stage ladder, the zone's 22 parks

The sector layout is the city's "2+(3+6)+(4+5)" (see shared/DOMAIN.md). A later
taxonomy is a new migration that adds a version and marks it current.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""
from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SECTORS = [  # code, group, Chinese, English
    ("digital_transformation", "transformation", "数字化转型", "Digital transformation"),
    ("green_transformation", "transformation", "绿色低碳转型", "Green low-carbon transformation"),
    ("integrated_circuits", "leading", "集成电路", "Integrated circuits"),
    ("biomedicine", "leading", "生物医药", "Biomedicine"),
    ("artificial_intelligence", "leading", "人工智能", "Artificial intelligence"),
    ("electronic_information", "key", "电子信息", "Electronic information"),
    ("life_health", "key", "生命健康", "Life and health"),
    ("automotive", "key", "汽车", "Automotive"),
    ("high_end_equipment", "key", "高端装备", "High-end equipment"),
    ("advanced_materials", "key", "先进材料", "Advanced materials"),
    ("fashion_consumer_goods", "key", "时尚消费品", "Fashion consumer goods"),
    ("digital_economy", "new_track", "数字经济", "Digital economy"),
    ("green_low_carbon", "new_track", "绿色低碳", "Green low-carbon"),
    ("metaverse", "new_track", "元宇宙", "Metaverse"),
    ("smart_terminals", "new_track", "智能终端", "Smart terminals"),
    ("future_health", "future", "未来健康", "Future health"),
    ("future_intelligence", "future", "未来智能", "Future intelligence"),
    ("future_energy", "future", "未来能源", "Future energy"),
    ("future_space", "future", "未来空间", "Future space"),
    ("future_materials", "future", "未来材料", "Future materials"),
]

STAGES = [  # code, Chinese, English; listed in ladder order
    ("concept", "概念验证", "Concept and proof of concept"),
    ("seed", "种子轮/天使轮", "Seed and angel"),
    ("pre_a", "Pre-A轮", "Pre-A"),
    ("series_a", "A轮", "Series A"),
    ("series_b", "B轮", "Series B"),
    ("series_c_plus", "C轮及以后", "Series C and later"),
    ("pre_ipo", "Pre-IPO轮", "Pre-IPO"),
]

PARKS = [  # code, Chinese, English, leading industries (at most three)
    ("zhangjiang_core", "张江核心园", "Zhangjiang Core Park",
     ["integrated_circuits", "biomedicine", "artificial_intelligence"]),
    ("caohejing", "漕河泾园", "Caohejing Park", ["electronic_information", "artificial_intelligence", "digital_economy"]),
    ("zizhu", "紫竹园", "Zizhu Park", ["integrated_circuits", "artificial_intelligence", "digital_economy"]),
    ("minhang", "闵行园", "Minhang Park", ["high_end_equipment", "biomedicine", "artificial_intelligence"]),
    ("yangpu", "杨浦园", "Yangpu Park", ["digital_economy", "artificial_intelligence", "life_health"]),
    ("changning", "长宁园", "Changning Park", ["digital_economy", "artificial_intelligence", "fashion_consumer_goods"]),
    ("jiading", "嘉定园", "Jiading Park", ["automotive", "integrated_circuits", "smart_terminals"]),
    ("qingpu", "青浦园", "Qingpu Park", ["digital_economy", "electronic_information", "biomedicine"]),
    ("songjiang", "松江园", "Songjiang Park", ["electronic_information", "high_end_equipment", "biomedicine"]),
    ("jinshan", "金山园", "Jinshan Park", ["advanced_materials", "biomedicine", "high_end_equipment"]),
    ("fengxian", "奉贤园", "Fengxian Park", ["biomedicine", "fashion_consumer_goods", "green_low_carbon"]),
    ("baoshan", "宝山园", "Baoshan Park", ["advanced_materials", "high_end_equipment", "biomedicine"]),
    ("putuo", "普陀园", "Putuo Park", ["artificial_intelligence", "digital_economy", "life_health"]),
    ("hongkou", "虹口园", "Hongkou Park", ["digital_economy", "green_low_carbon"]),
    ("huangpu", "黄浦园", "Huangpu Park", ["digital_economy", "fashion_consumer_goods"]),
    ("jingan", "静安园", "Jing'an Park", ["digital_economy", "life_health", "fashion_consumer_goods"]),
    ("xuhui", "徐汇园", "Xuhui Park", ["artificial_intelligence", "life_health", "digital_economy"]),
    ("lujiazui", "陆家嘴园", "Lujiazui Park", ["digital_economy", "metaverse"]),
    ("jinqiao", "金桥园", "Jinqiao Park", ["smart_terminals", "automotive", "high_end_equipment"]),
    ("lingang", "临港园", "Lingang Park", ["integrated_circuits", "automotive", "high_end_equipment"]),
    ("chongming", "崇明园", "Chongming Park", ["green_low_carbon", "life_health"]),
    ("shibo", "世博园", "Expo Park", ["digital_economy", "metaverse", "green_low_carbon"]),
]

versions = sa.table("taxonomy_versions", sa.column("id", sa.Integer), sa.column("code", sa.String),
                    sa.column("title", sa.String), sa.column("published_on", sa.Date),
                    sa.column("is_current", sa.Boolean))
sectors = sa.table("sectors", sa.column("id", sa.Integer), sa.column("version_id", sa.Integer),
                   sa.column("code", sa.String), sa.column("group", sa.String), sa.column("position", sa.Integer),
                   sa.column("name_zh", sa.String), sa.column("name_en", sa.String))
stages = sa.table("stages", sa.column("id", sa.Integer), sa.column("code", sa.String),
                  sa.column("ordinal", sa.Integer), sa.column("name_zh", sa.String), sa.column("name_en", sa.String))
parks = sa.table("parks", sa.column("id", sa.Integer), sa.column("code", sa.String),
                 sa.column("name_zh", sa.String), sa.column("name_en", sa.String))
park_industries = sa.table("park_leading_industries", sa.column("park_id", sa.Integer),
                           sa.column("sector_id", sa.Integer), sa.column("position", sa.Integer))


def upgrade():
    op.bulk_insert(versions, [{"id": 1, "code": "2023", "published_on": date(2023, 12, 5), "is_current": True,
                               "title": "2+(3+6)+(4+5)"}])
    op.bulk_insert(sectors, [
        {"id": i, "version_id": 1, "code": code, "group": group, "position": i, "name_zh": zh, "name_en": en}
        for i, (code, group, zh, en) in enumerate(SECTORS, start=1)
    ])
    op.bulk_insert(stages, [
        {"id": i, "code": code, "ordinal": i, "name_zh": zh, "name_en": en}
        for i, (code, zh, en) in enumerate(STAGES, start=1)
    ])
    op.bulk_insert(parks, [
        {"id": i, "code": code, "name_zh": zh, "name_en": en} for i, (code, zh, en, _) in enumerate(PARKS, start=1)
    ])
    sector_ids = {code: i for i, (code, *_rest) in enumerate(SECTORS, start=1)}
    op.bulk_insert(park_industries, [
        {"park_id": park_id, "sector_id": sector_ids[code], "position": position}
        for park_id, (*_names, industries) in enumerate(PARKS, start=1)
        for position, code in enumerate(industries, start=1)
    ])
    if op.get_bind().dialect.name == "postgresql":
        # Rows were written with explicit ids: move the sequences past them.
        for table in ("taxonomy_versions", "sectors", "stages", "parks"):
            op.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")


def downgrade():
    for table in ("park_leading_industries", "parks", "stages", "sectors", "taxonomy_versions"):
        op.execute(f"DELETE FROM {table}")
