#!/usr/bin/env python3
"""Generate the bundled Shijiazhuang example centers (石家庄市政务服务中心示例数据).

Run from the repository root:

    python examples/shijiazhuang/generate.py           # write the YAML files, then verify them
    python examples/shijiazhuang/generate.py --check   # verify the committed files only

Deterministic: one ``random.Random(2016)`` drives every illustrative choice, so
the output is byte-for-byte the same on every run.

What is REAL: the names and 6-digit division codes of the city and its 22
county-level divisions, the names of the townships/streets, and the resident
department / matter counts of 新华区 (17/129), 桥西区 (6/32), 裕华区 (7/36) and
长安区 (11/58) from the source paper. Everything else (areas, windows, which
departments, matter lists, 9/12-digit codes, village names, flags) is
ILLUSTRATIVE. See README.md beside this file.

Standard library plus PyYAML (used only to verify what was written).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
from pathlib import Path
from typing import NamedTuple

import yaml

HERE = Path(__file__).resolve().parent
DECLARED_ON = dt.date(2016, 6, 30)
SEED = 2016

# ---------------------------------------------------------------------------
# Registry (norms.md): canonical department id -> 中文, and its aliases
# ---------------------------------------------------------------------------
REGISTRY = {
    "development_reform": "发展和改革局",
    "land_resources": "国土资源局",
    "urban_planning": "城乡规划局",
    "housing_construction": "住房和城乡建设局",
    "human_resources_social_security": "人力资源和社会保障局",
    "employment_service": "就业服务局",
    "market_regulation": "市场监督管理局",
    "environmental_protection": "环境保护局",
    "health": "卫生和计划生育局",
    "civil_affairs": "民政局",
    "transport": "交通运输局",
    "water": "水务局",
    "culture": "文化广电新闻出版局",
    "taxation": "地方税务局",
    "real_estate_registration": "不动产登记中心",
    "housing_provident_fund": "住房公积金管理部",
    "public_security": "公安局",
    "agriculture": "农业局",
    "disabled_persons": "残疾人联合会",
}
ALIASES = {
    "发改局": "development_reform",
    "发改委": "development_reform",
    "国土局": "land_resources",
    "规划局": "urban_planning",
    "住建局": "housing_construction",
    "人社局": "human_resources_social_security",
    "社保局": "human_resources_social_security",
    "就业局": "employment_service",
    "工商局": "market_regulation",
    "市场监管局": "market_regulation",
    "环保局": "environmental_protection",
    "卫计局": "health",
    "民政局": "civil_affairs",
    "交通局": "transport",
    "水利局": "water",
    "文广新局": "culture",
    "地税局": "taxation",
    "公积金中心": "housing_provident_fund",
    "公安分局": "public_security",
    "农牧局": "agriculture",
    "残联": "disabled_persons",
}

# Local (non-registry) departments some centers host: id -> 中文.  The checker
# keeps these as given and reports them once as `unknown_department`.
LOCAL_DEPARTMENTS = {
    "statistics": "统计局",
    "urban_management": "城市管理综合行政执法局",
    "commerce": "商务局",
    "education": "教育局",
    "judicial": "司法局",
    "safety_supervision": "安全生产监督管理局",
    "forestry": "林业局",
    "ethnic_religious": "民族宗教事务局",
    "meteorology": "气象局",
    "civil_air_defense": "人民防空办公室",
    "science_technology": "科学技术局",
    "archives": "档案局",
}

MANDATORY_COUNTY = [
    "development_reform",
    "land_resources",
    "urban_planning",
    "housing_construction",
    "human_resources_social_security",
    "employment_service",
    "market_regulation",
    "environmental_protection",
    "health",
    "civil_affairs",
    "transport",
    "water",
    "culture",
    "taxation",
    "real_estate_registration",
    "housing_provident_fund",
]
MANDATORY_CITY = [*MANDATORY_COUNTY, "public_security", "agriculture"]
MANDATORY_TOWNSHIP = [
    "human_resources_social_security",
    "civil_affairs",
    "health",
    "agriculture",
    "disabled_persons",
]

LIC, PAY, CONF, OTHER, SERV = (
    "administrative_licensing",
    "administrative_payment",
    "administrative_confirmation",
    "other_power",
    "public_service",
)

# Mandatory matter catalogue (norms.md): id, 中文, department, type, tiers
CATALOGUE = [
    ("investment_project_record", "企业投资项目备案", "development_reform", OTHER, "city county"),
    ("investment_project_approval", "企业投资项目核准", "development_reform", LIC, "city county"),
    ("land_use_preliminary_review", "建设项目用地预审", "land_resources", LIC, "city county"),
    ("land_planning_permit", "建设用地规划许可证核发", "urban_planning", LIC, "city county"),
    ("project_planning_permit", "建设工程规划许可证核发", "urban_planning", LIC, "city county"),
    ("construction_permit", "建筑工程施工许可证核发", "housing_construction", LIC, "city county"),
    ("social_insurance_registration", "社会保险登记", "human_resources_social_security", CONF, "city county township"),
    ("unemployment_registration", "失业登记", "employment_service", SERV, "city county township"),
    ("enterprise_registration", "企业设立登记", "market_regulation", LIC, "city county"),
    ("food_business_license", "食品经营许可", "market_regulation", LIC, "city county"),
    ("eia_approval", "建设项目环境影响评价文件审批", "environmental_protection", LIC, "city county"),
    ("medical_institution_license", "医疗机构执业许可", "health", LIC, "city county"),
    ("social_organization_registration", "社会团体成立登记", "civil_affairs", LIC, "city county"),
    ("road_transport_license", "道路运输经营许可", "transport", LIC, "city county"),
    ("water_intake_permit", "取水许可", "water", LIC, "city county"),
    ("entertainment_venue_license", "娱乐场所经营许可", "culture", LIC, "city county"),
    ("tax_registration", "涉税事项办理", "taxation", SERV, "city county"),
    ("real_estate_registration", "不动产登记", "real_estate_registration", CONF, "city county"),
    ("provident_fund_withdrawal", "住房公积金提取", "housing_provident_fund", PAY, "city county"),
    ("minimum_living_allowance", "最低生活保障申请受理", "civil_affairs", PAY, "township village"),
    ("birth_service_registration", "生育服务登记", "health", SERV, "township village"),
    ("disability_certificate", "残疾人证办理受理", "disabled_persons", SERV, "township village"),
    (
        "pension_insurance_enrolment",
        "城乡居民养老保险参保登记",
        "human_resources_social_security",
        SERV,
        "township village",
    ),
]


def catalogue_for(tier: str) -> list[tuple[str, str, str, str]]:
    return [(i, n, d, t) for i, n, d, t, tiers in CATALOGUE if tier in tiers.split()]


# Pool of plausible local matters (本地事项) per department: (中文名称, type).
# Names are typical Hebei county-level matters of 2016; the lists are ILLUSTRATIVE.
MATTER_POOL: dict[str, list[tuple[str, str]]] = {
    "development_reform": [
        ("政府投资项目建议书审批", LIC),
        ("政府投资项目可行性研究报告审批", LIC),
        ("政府投资项目初步设计审批", LIC),
        ("固定资产投资项目节能审查", LIC),
        ("外商投资项目备案", OTHER),
        ("境外投资项目备案", OTHER),
        ("招标方案核准", LIC),
        ("粮食收购资格认定", LIC),
        ("价格认定", OTHER),
        ("经营服务性收费标准备案", OTHER),
        ("重点项目建设协调服务", SERV),
    ],
    "land_resources": [
        ("国有建设用地使用权划拨审批", LIC),
        ("临时用地审批", LIC),
        ("乡（镇）村公共设施、公益事业建设用地审批", LIC),
        ("农村村民宅基地审批", LIC),
        ("采矿权新立、延续、变更登记", LIC),
        ("土地复垦方案审查", OTHER),
        ("地质灾害危险性评估备案", OTHER),
        ("国有土地使用权出让合同变更审批", LIC),
        ("土地权属争议调处", OTHER),
        ("测绘成果使用审批", LIC),
    ],
    "urban_planning": [
        ("建设项目选址意见书核发", LIC),
        ("乡村建设规划许可证核发", LIC),
        ("临时建设工程规划许可", LIC),
        ("建设工程规划条件核实", CONF),
        ("建设工程设计方案审查", OTHER),
        ("城市地下管线工程规划许可", LIC),
        ("规划设计条件出具", SERV),
        ("历史文化街区建设活动审批", LIC),
    ],
    "housing_construction": [
        ("建设工程竣工验收备案", OTHER),
        ("商品房预售许可", LIC),
        ("建筑业企业资质核准", LIC),
        ("房地产开发企业资质核定", LIC),
        ("施工图设计文件审查备案", OTHER),
        ("建设工程质量监督注册", OTHER),
        ("建设工程安全监督备案", OTHER),
        ("城市建筑垃圾处置核准", LIC),
        ("物业服务企业资质核定", LIC),
        ("公共租赁住房资格审核", CONF),
        ("房屋租赁登记备案", SERV),
        ("燃气经营许可", LIC),
        ("占用、挖掘城市道路审批", LIC),
    ],
    "human_resources_social_security": [
        ("职工基本养老保险关系转移接续", SERV),
        ("职工养老保险待遇核定", PAY),
        ("工伤认定", CONF),
        ("劳动能力鉴定申请受理", CONF),
        ("劳务派遣经营许可", LIC),
        ("人力资源服务许可", LIC),
        ("特殊工时工作制审批", LIC),
        ("职工医疗保险参保登记", SERV),
        ("生育保险待遇支付", PAY),
        ("社会保障卡申领", SERV),
        ("劳动合同备案", OTHER),
        ("企业退休人员社会化管理服务", SERV),
        ("城乡居民基本医疗保险参保登记", SERV),
        ("养老保险缴费证明出具", SERV),
    ],
    "employment_service": [
        ("就业创业证申领", SERV),
        ("创业担保贷款申请受理", PAY),
        ("灵活就业人员社会保险补贴申领", PAY),
        ("职业介绍服务", SERV),
        ("职业技能培训补贴申领", PAY),
        ("就业困难人员认定", CONF),
        ("公益性岗位补贴申领", PAY),
        ("高校毕业生就业见习申请", SERV),
        ("失业保险金申领", PAY),
        ("求职招聘信息登记", SERV),
    ],
    "market_regulation": [
        ("个体工商户登记", LIC),
        ("农民专业合作社设立登记", LIC),
        ("企业变更登记", LIC),
        ("企业注销登记", LIC),
        ("企业名称预先核准", LIC),
        ("动产抵押登记", CONF),
        ("股权出质登记", CONF),
        ("食品生产许可", LIC),
        ("药品零售企业经营许可", LIC),
        ("医疗器械经营备案", OTHER),
        ("特种设备使用登记", CONF),
        ("食品小作坊登记", LIC),
        ("企业年度报告公示", SERV),
        ("分公司设立登记", LIC),
        ("计量器具强制检定", OTHER),
        ("个体工商户变更登记", LIC),
    ],
    "environmental_protection": [
        ("建设项目竣工环境保护验收", LIC),
        ("排污许可证核发", LIC),
        ("危险废物收集经营许可", LIC),
        ("建设项目环境影响登记表备案", OTHER),
        ("排污申报登记", OTHER),
        ("拆除或闲置污染防治设施审批", LIC),
        ("建筑施工夜间作业审批", LIC),
    ],
    "health": [
        ("公共场所卫生许可", LIC),
        ("医师执业注册", LIC),
        ("护士执业注册", LIC),
        ("放射诊疗许可", LIC),
        ("生活饮用水供水单位卫生许可", LIC),
        ("再生育审批", LIC),
        ("独生子女父母光荣证办理", CONF),
        ("计划生育奖励扶助申请", PAY),
        ("流动人口婚育证明办理", SERV),
        ("母婴保健技术服务执业许可", LIC),
        ("出生医学证明办理", SERV),
    ],
    "civil_affairs": [
        ("民办非企业单位成立登记", LIC),
        ("社会团体变更登记", LIC),
        ("婚姻登记", CONF),
        ("临时救助申请", PAY),
        ("特困人员供养审批", PAY),
        ("养老机构设立许可", LIC),
        ("殡葬设施建设审批", LIC),
        ("高龄津贴申请", PAY),
        ("地名命名更名审核", OTHER),
        ("孤儿基本生活费申领", PAY),
        ("慈善组织认定", CONF),
    ],
    "transport": [
        ("道路运输从业人员从业资格证核发", LIC),
        ("机动车维修经营备案", OTHER),
        ("出租汽车经营许可", LIC),
        ("机动车驾驶员培训经营许可", LIC),
        ("超限运输车辆通行许可", LIC),
        ("公路用地范围内设置非公路标志审批", LIC),
        ("道路货物运输车辆营运证核发", LIC),
        ("占用、挖掘公路审批", LIC),
        ("道路运输车辆年度审验", OTHER),
    ],
    "water": [
        ("河道管理范围内建设项目审批", LIC),
        ("生产建设项目水土保持方案审批", LIC),
        ("取水工程验收", OTHER),
        ("水资源费征收", OTHER),
        ("凿井审批", LIC),
        ("生产建设项目水土保持设施验收", LIC),
        ("洪水影响评价审批", LIC),
        ("农村饮水安全工程申请", SERV),
    ],
    "culture": [
        ("互联网上网服务营业场所经营许可", LIC),
        ("营业性演出审批", LIC),
        ("出版物零售经营许可", LIC),
        ("印刷经营许可", LIC),
        ("艺术品经营单位备案", OTHER),
        ("卫星电视广播地面接收设施安装许可", LIC),
        ("高危险性体育项目经营许可", LIC),
        ("文物保护单位建设控制地带内建设工程设计方案审核", LIC),
    ],
    "taxation": [
        ("发票领购", SERV),
        ("纳税申报", SERV),
        ("增值税一般纳税人资格登记", CONF),
        ("税收减免备案", OTHER),
        ("完税证明开具", SERV),
        ("出口退（免）税备案", OTHER),
        ("契税征收", OTHER),
        ("代开增值税发票", SERV),
        ("跨区域涉税事项报告", SERV),
        ("税务注销", OTHER),
    ],
    "real_estate_registration": [
        ("国有建设用地使用权首次登记", CONF),
        ("房屋所有权转移登记", CONF),
        ("抵押权登记", CONF),
        ("预告登记", CONF),
        ("不动产变更登记", CONF),
        ("不动产注销登记", CONF),
        ("更正登记", CONF),
        ("异议登记", CONF),
        ("查封登记", CONF),
        ("不动产登记资料查询", SERV),
        ("集体土地使用权登记", CONF),
    ],
    "housing_provident_fund": [
        ("住房公积金缴存登记", SERV),
        ("住房公积金个人住房贷款受理", SERV),
        ("住房公积金账户转移", SERV),
        ("住房公积金缴存基数调整", SERV),
        ("缓缴住房公积金审批", OTHER),
        ("住房公积金贷款结清", SERV),
        ("住房公积金缴存证明出具", SERV),
    ],
    "public_security": [
        ("户口迁移", CONF),
        ("居民身份证申领", CONF),
        ("往来港澳通行证签发", LIC),
        ("普通护照签发", LIC),
        ("机动车登记", CONF),
        ("机动车驾驶证换领", LIC),
        ("剧毒化学品购买许可", LIC),
        ("大型群众性活动安全许可", LIC),
        ("旅馆业特种行业许可", LIC),
        ("公章刻制业特种行业许可", LIC),
        ("居住证申领", SERV),
        ("建设工程消防设计审核", LIC),
        ("公众聚集场所投入使用前消防安全检查", LIC),
    ],
    "agriculture": [
        ("农药经营许可", LIC),
        ("兽药经营许可", LIC),
        ("动物防疫条件合格证核发", LIC),
        ("农作物种子生产经营许可", LIC),
        ("拖拉机驾驶证核发", LIC),
        ("农业机械购置补贴申请", PAY),
        ("动物诊疗许可", LIC),
        ("生鲜乳收购许可", LIC),
        ("农村土地承包经营权流转备案", OTHER),
    ],
    "disabled_persons": [
        ("残疾人就业保障金减免申请", OTHER),
        ("残疾人辅助器具申领", SERV),
        ("残疾人康复救助申请", PAY),
        ("重度残疾人护理补贴申请", PAY),
        ("困难残疾人生活补贴申请", PAY),
        ("残疾人职业技能培训报名", SERV),
    ],
    "statistics": [
        ("统计调查项目审批", LIC),
        ("统计登记", OTHER),
        ("统计资料提供", SERV),
        ("统计执法证申领", OTHER),
    ],
    "urban_management": [
        ("户外广告设置审批", LIC),
        ("临时占道经营审批", LIC),
        ("城市绿地占用审批", LIC),
        ("砍伐城市树木审批", LIC),
        ("城市生活垃圾经营性清扫收集运输许可", LIC),
        ("门头牌匾设置审批", LIC),
    ],
    "commerce": [
        ("对外贸易经营者备案登记", OTHER),
        ("酒类商品零售许可", LIC),
        ("再生资源回收经营者备案", OTHER),
        ("单用途商业预付卡发卡企业备案", OTHER),
        ("成品油零售经营资格审核", LIC),
        ("拍卖企业设立审核", LIC),
    ],
    "education": [
        ("民办学校设立审批", LIC),
        ("幼儿园设立审批", LIC),
        ("教师资格认定", LIC),
        ("校外培训机构审批", LIC),
        ("学生资助申请", PAY),
        ("教师资格证书补发换发", SERV),
    ],
    "judicial": [
        ("法律援助申请", SERV),
        ("基层法律服务工作者执业核准", LIC),
        ("人民调解申请", SERV),
        ("公证事项办理", SERV),
    ],
    "safety_supervision": [
        ("危险化学品经营许可", LIC),
        ("烟花爆竹经营（零售）许可", LIC),
        ("非药品类易制毒化学品经营备案", OTHER),
        ("建设项目安全设施设计审查", LIC),
        ("生产经营单位主要负责人安全培训考核", OTHER),
    ],
    "forestry": [
        ("林木采伐许可证核发", LIC),
        ("占用征收林地审核", LIC),
        ("木材运输证核发", LIC),
        ("陆生野生动物驯养繁殖许可", LIC),
        ("植物检疫证书核发", LIC),
    ],
    "ethnic_religious": [
        ("宗教活动场所设立审批", LIC),
        ("清真食品准营证核发", LIC),
        ("宗教临时活动地点审批", LIC),
    ],
    "meteorology": [
        ("防雷装置设计审核", LIC),
        ("防雷装置竣工验收", LIC),
        ("升放无人驾驶自由气球审批", LIC),
    ],
    "civil_air_defense": [
        ("人防工程建设审批", LIC),
        ("易地修建防空地下室审批", LIC),
        ("人防工程竣工验收备案", OTHER),
    ],
    "science_technology": [
        ("高新技术企业认定申报受理", OTHER),
        ("科技成果登记", SERV),
        ("科技型中小企业认定", CONF),
    ],
    "archives": [("档案查阅利用", SERV), ("婚姻档案查询", SERV)],
}

# Township stations (乡镇站所) that act as a township's departments.
TOWNSHIP_DEPT_NAMES = {
    "human_resources_social_security": "劳动保障事务所",
    "civil_affairs": "民政所",
    "health": "计划生育服务站",
    "agriculture": "农业技术推广站",
    "disabled_persons": "残疾人联合会",
}

# Local matters a township center accepts for the county (受理/代办): (中文, type, department)
TOWNSHIP_LOCAL_MATTERS = [
    ("临时救助申请受理", PAY, "civil_affairs"),
    ("高龄津贴申请受理", PAY, "civil_affairs"),
    ("特困人员供养申请受理", PAY, "civil_affairs"),
    ("城乡居民基本医疗保险参保登记", SERV, "human_resources_social_security"),
    ("社会保障卡申领受理", SERV, "human_resources_social_security"),
    ("独生子女父母光荣证办理受理", CONF, "health"),
    ("计划生育奖励扶助申请受理", PAY, "health"),
    ("农业机械购置补贴申请受理", PAY, "agriculture"),
    ("农村土地承包经营权流转备案", OTHER, "agriculture"),
    ("重度残疾人护理补贴申请受理", PAY, "disabled_persons"),
    ("困难残疾人生活补贴申请受理", PAY, "disabled_persons"),
]

# ---------------------------------------------------------------------------
# Divisions.  REAL: names and 6-digit codes.  ILLUSTRATIVE: every other column,
# except the paper districts' department/matter counts (REAL, source paper).
# ---------------------------------------------------------------------------


class County(NamedTuple):
    code: str
    name: str
    abbr: str  # prefix of local matter ids
    population: int
    area_m2: int
    windows: int
    profile: str  # paper | compliant | reformed | current
    departments: int  # departments listed (paper: resident departments, exact)
    matters: int  # matters declared (paper: matters in the center, exact)


COUNTIES = [
    County("130102", "长安区", "ca", 520_000, 1800, 34, "paper", 11, 58),
    County("130104", "桥西区", "qx", 560_000, 900, 16, "paper", 6, 32),
    County("130105", "新华区", "xh", 620_000, 2400, 48, "paper", 17, 129),
    County("130107", "井陉矿区", "jxk", 90_000, 800, 14, "current", 8, 46),
    County("130108", "裕华区", "yh", 470_000, 1200, 20, "paper", 7, 36),
    County("130109", "藁城区", "gc", 800_000, 4200, 70, "current", 17, 112),
    County("130110", "鹿泉区", "lq", 440_000, 3500, 56, "reformed", 16, 96),
    County("130111", "栾城区", "lc", 340_000, 2600, 40, "current", 12, 74),
    County("130121", "井陉县", "jx", 320_000, 2000, 30, "current", 10, 55),
    County("130123", "正定县", "zd", 470_000, 6000, 96, "compliant", 17, 126),
    County("130125", "行唐县", "xt", 440_000, 1500, 24, "current", 9, 47),
    County("130126", "灵寿县", "ls", 350_000, 1600, 26, "current", 10, 52),
    County("130127", "高邑县", "gy", 190_000, 1000, 18, "current", 7, 48),
    County("130128", "深泽县", "sz", 260_000, 1100, 20, "current", 8, 41),
    County("130129", "赞皇县", "zh", 270_000, 1300, 22, "current", 9, 44),
    County("130130", "无极县", "wj", 530_000, 2800, 44, "current", 14, 85),
    County("130131", "平山县", "ps", 480_000, 3200, 50, "current", 15, 90),
    County("130132", "元氏县", "ys", 440_000, 2200, 36, "current", 11, 63),
    County("130133", "赵县", "zx", 590_000, 2500, 40, "current", 13, 78),
    County("130181", "辛集市", "xj", 630_000, 5500, 88, "compliant", 17, 128),
    County("130183", "晋州市", "jz", 550_000, 3000, 46, "current", 15, 88),
    County("130184", "新乐市", "xl", 500_000, 2700, 42, "current", 12, 70),
]

# The paper districts' departments, as listed (some by a Chinese alias on purpose).
PAPER_DEPARTMENTS = {
    "130105": [  # 新华区: 17
        "development_reform",
        "国土局",
        "urban_planning",
        "housing_construction",
        "human_resources_social_security",
        "employment_service",
        "market_regulation",
        "environmental_protection",
        "health",
        "civil_affairs",
        "transport",
        "culture",
        "taxation",
        "real_estate_registration",
        "public_security",
        "statistics",
        "urban_management",
    ],
    "130104": [  # 桥西区: 6
        "发改局",
        "human_resources_social_security",
        "market_regulation",
        "health",
        "civil_affairs",
        "taxation",
    ],
    "130108": [  # 裕华区: 7
        "development_reform",
        "housing_construction",
        "human_resources_social_security",
        "employment_service",
        "工商局",
        "civil_affairs",
        "taxation",
    ],
    "130102": [  # 长安区: 11
        "development_reform",
        "land_resources",
        "housing_construction",
        "人社局",
        "employment_service",
        "market_regulation",
        "health",
        "civil_affairs",
        "culture",
        "taxation",
        "commerce",
    ],
}
# Real counts quoted in the source paper (resident departments, matters in center).
PAPER_COUNTS = {"130105": (17, 129), "130104": (6, 32), "130108": (7, 36), "130102": (11, 58)}
PAPER_QUOTE = (
    "新华区入住部门17个,共办理事项129项;桥西区入住部门6个,办理各类事项32项;"
    "裕华区入住部门7个,共办理各类事项36项;长安区入住部门11个,共办理各类事项58项。"
)

# Counties that list a department by a Chinese alias (tests alias normalisation).
ALIAS_USE = {
    "130130": {"health": "卫计局"},
    "130133": {"civil_affairs": "民政局"},
    "130110": {"housing_provident_fund": "公积金中心"},
}
# Centers where one matter promises more days than the law allows (N-TIM-01 fail).
PROMISE_OVER = {"130108", "130125"}

# Townships (REAL names; 9-digit codes plausible): code, name, county, population, area, windows
TOWNSHIPS = [
    ("130105001", "革新街街道", "130105", 48_000, 320, 8),
    ("130105006", "联盟街道", "130105", 61_000, 260, 6),
    ("130104001", "东里街道", "130104", 45_000, 80, 3),
    ("130102001", "建北街道", "130102", 52_000, 180, 5),
    ("130108001", "裕兴街道", "130108", 56_000, 220, 6),
    ("130109100", "廉州镇", "130109", 82_000, 400, 10),
    ("130110100", "获鹿镇", "130110", 98_000, 480, 10),
    ("130123100", "正定镇", "130123", 120_000, 600, 14),
    ("130123101", "诸福屯镇", "130123", 45_000, 240, 6),
    ("130125100", "龙州镇", "130125", 70_000, 120, 4),
    ("130131100", "平山镇", "130131", 60_000, 300, 8),
    ("130131104", "西柏坡镇", "130131", 21_000, 210, 6),
    ("130133100", "赵州镇", "130133", 90_000, 360, 9),
    ("130181100", "辛集镇", "130181", 110_000, 550, 12),
]
COMPLIANT_TOWNSHIPS = {"130123100", "130181100"}

# Villages / communities (ILLUSTRATIVE names; 12-digit codes = township code + 3 digits)
VILLAGES = [
    ("130105001001", "革新街社区", "130105001", 6_200, 60, 2),
    ("130105006002", "联盟路社区", "130105006", 5_400, 45, 2),
    ("130104001001", "东里社区", "130104001", 4_800, 30, 1),
    ("130102001003", "建北社区", "130102001", 5_100, 40, 1),
    ("130108001002", "裕兴社区", "130108001", 6_600, 55, 2),
    ("130109100201", "东街村", "130109100", 3_200, 35, 1),
    ("130110100204", "北关村", "130110100", 2_900, 70, 2),
    ("130123100201", "西关村", "130123100", 3_800, 120, 3),
    ("130123100202", "南关村", "130123100", 2_600, 80, 2),
    ("130123101201", "诸福屯村", "130123101", 2_400, 50, 1),
    ("130131104201", "西柏坡村", "130131104", 1_300, 150, 3),
    ("130131104205", "北庄村", "130131104", 1_100, 20, 1),
    ("130133100203", "东关村", "130133100", 2_700, 40, 1),
    ("130181100202", "旧城村", "130181100", 3_100, 90, 2),
]
COMPLIANT_VILLAGES = {"130123100201", "130131104201"}

CITY = dict(
    code="130100",
    name="石家庄市",
    abbr="sjz",
    population=10_700_000,
    area_m2=12_000,
    windows=260,
    departments=26,
    matters=180,
)

# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def canonical(dept_id: str) -> str:
    return ALIASES.get(dept_id, dept_id)


def county_center_id(code: str) -> str:
    return f"{code}-county"


def county_prefix(c: County) -> str:
    """Prefix of department names: 新华区, 正定县, 辛集市."""
    return c.name


def county_center_name(c: County) -> str:
    return f"石家庄市{c.name}政务服务中心" if c.name.endswith("区") else f"{c.name}政务服务中心"


def department_name(dept: str, prefix: str, *, city: bool = False) -> str:
    """Full Chinese name of a department of a city or county government."""
    if dept == "public_security":
        if city:
            return "石家庄市公安局"
        return f"石家庄市公安局{prefix[:-1]}分局" if prefix.endswith("区") else f"{prefix}公安局"
    if dept == "housing_provident_fund":
        return "石家庄住房公积金管理中心" if city else f"石家庄住房公积金管理中心{prefix}管理部"
    if city:
        special = {"development_reform": "发展和改革委员会", "health": "卫生和计划生育委员会", "agriculture": "农牧局"}
        if dept in special:
            return prefix + special[dept]
    base = REGISTRY.get(dept) or LOCAL_DEPARTMENTS[dept]
    return prefix + base


def legal_and_promised(rng: random.Random, mtype: str) -> tuple[int, int]:
    legal = rng.choice(
        {
            LIC: [20, 20, 20, 15, 30, 10, 45],
            PAY: [20, 30, 15],
            CONF: [10, 15, 30, 20],
            OTHER: [5, 10, 20, 7],
            SERV: [5, 10, 3, 7],
        }[mtype]
    )
    promised = max(1, round(legal * rng.choice([0.3, 0.4, 0.5, 0.6, 0.75, 1.0])))
    return legal, promised


def matter(
    mid: str,
    name: str,
    mtype: str,
    dept: str,
    *,
    in_center: bool,
    handled_at: str | None,
    online: bool,
    days: tuple[int, int] | None,
    exemption: str = "",
) -> dict:
    m = {"id": mid, "name": name, "type": mtype, "department": dept, "in_center": in_center, "exemption": exemption}
    if handled_at is not None:
        m["handled_at"] = handled_at
    m["online"] = online
    if days is not None:
        m["legal_days"], m["promised_days"] = days
    return m


def weighted(rng: random.Random, table: dict[str, float]) -> str:
    keys = list(table)
    return rng.choices(keys, weights=[table[k] for k in keys])[0]


def pick_local_matters(rng: random.Random, depts: list[str], count: int) -> list[tuple[str, str, str]]:
    """Draw `count` distinct (name, type, listed dept id) from the pools of `depts`."""
    pools = {d: list(MATTER_POOL[canonical(d)]) for d in depts}
    for p in pools.values():
        rng.shuffle(p)
    out = []
    while len(out) < count:
        live = [d for d in depts if pools[d]]
        if not live:
            raise SystemExit(f"matter pools exhausted for {depts} at {len(out)}/{count}")
        d = rng.choices(live, weights=[len(pools[x]) for x in live])[0]
        name, mtype = pools[d].pop()
        out.append((name, mtype, d))
    return out


def exemption_doc(rng: random.Random, short: str) -> str:
    return f"{short}政字〔{rng.choice([2014, 2015, 2016])}〕{rng.randint(3, 60)}号"


# ---------------------------------------------------------------------------
# Builders
# ---------------------------------------------------------------------------

FUNCTIONS_ALL = ["coordination", "supervision", "guidance"]


def build_departments(
    rng: random.Random, listed: list[str], prefix: str, quality: str, *, city: bool = False
) -> list[dict]:
    """quality: compliant (all full/integrated) | good | poor."""
    out = []
    for d in listed:
        if quality == "compliant":
            chief, auth, integ = True, "full", "integrated"
        else:
            good = quality == "good"
            chief = rng.random() < (0.85 if good else 0.55)
            auth = weighted(
                rng,
                {"full": 0.6, "partial": 0.35, "none": 0.05} if good else {"full": 0.3, "partial": 0.55, "none": 0.15},
            )
            integ = weighted(
                rng,
                {"integrated": 0.35, "double_entry": 0.55, "none": 0.1}
                if good
                else {"integrated": 0.1, "double_entry": 0.65, "none": 0.25},
            )
        out.append(
            {
                "id": d,
                "name": department_name(canonical(d), prefix, city=city),
                "resident": True,
                "chief_representative": chief,
                "window_authorization": auth,
                "system_integration": integ,
            }
        )
    return out


def build_matters(
    rng: random.Random,
    tier: str,
    abbr: str,
    short: str,
    resident: list[str],
    total: int,
    profile: str,
    *,
    extra_declared: list[str] = (),
) -> list[dict]:
    """Catalogue matters of resident departments, then local matters up to `total`.

    profile paper: all in_center; compliant: all in_center, window, catalogue online;
    current/reformed/city: a few not in center, more back_office.
    extra_declared: catalogue departments that are not resident; their matters are
    declared as not in the center.
    """
    by_canon = {canonical(d): d for d in resident}
    p_online = {"compliant": 0.8, "paper": 0.35}.get(profile, rng.uniform(0.2, 0.7))
    p_days = 0.6

    def handled() -> str:
        if profile == "compliant":
            return "window"
        return weighted(rng, {"window": 0.75, "back_office": 0.2, "outside": 0.05})

    def days(mtype: str) -> tuple[int, int] | None:
        if profile == "compliant" or rng.random() < p_days:
            return legal_and_promised(rng, mtype)
        return None

    out: list[dict] = []
    for mid, name, dept, mtype, _tiers in [c for c in CATALOGUE if tier in c[4].split()]:
        if dept in by_canon:
            in_c = profile in ("paper", "compliant") or rng.random() < 0.85
            exemption = "" if in_c or rng.random() < 0.6 else exemption_doc(rng, short)
            out.append(
                matter(
                    mid,
                    name,
                    mtype,
                    by_canon[dept],
                    in_center=in_c,
                    handled_at=handled() if in_c else "outside",
                    online=True if profile == "compliant" else rng.random() < p_online,
                    days=days(mtype),
                    exemption=exemption,
                )
            )
        elif dept in extra_declared:
            out.append(
                matter(mid, name, mtype, dept, in_center=False, handled_at="outside", online=False, days=days(mtype))
            )
    if len(out) > total:
        raise SystemExit(f"{abbr}: catalogue alone gives {len(out)} matters > {total}")
    for n, (name, mtype, d) in enumerate(pick_local_matters(rng, resident, total - len(out)), 1):
        in_c = profile in ("paper", "compliant") or rng.random() < 0.92
        out.append(
            matter(
                f"{abbr}-{n:04d}",
                name,
                mtype,
                d,
                in_center=in_c,
                handled_at=handled() if in_c else "outside",
                online=rng.random() < p_online,
                days=days(mtype),
            )
        )
    return out


def build_county(rng: random.Random, c: County) -> dict:
    prefix = county_prefix(c)
    short = c.name[0] if len(c.name) <= 3 else c.name[:2]  # 正政字, 赵政字, 井陉政字
    nonresident: list[dict] = []
    extra_declared: list[str] = []
    if c.profile == "paper":
        listed = PAPER_DEPARTMENTS[c.code]
        quality = "good" if c.code == "130105" else "poor"
    elif c.profile == "compliant":
        n_local = c.departments - len(MANDATORY_COUNTY)
        locals_ = rng.sample(
            [
                "statistics",
                "urban_management",
                "commerce",
                "education",
                "judicial",
                "safety_supervision",
                "forestry",
                "meteorology",
                "civil_air_defense",
            ],
            n_local,
        )
        listed = [*MANDATORY_COUNTY, "public_security", "agriculture", *locals_][: c.departments]
        quality = "compliant"
    else:
        core = ["market_regulation", "taxation", "human_resources_social_security"]
        others = [d for d in [*MANDATORY_COUNTY, "public_security", "agriculture"] if d not in core]
        n_local = rng.randint(1, 3)
        n_reg = c.departments - n_local
        reg = core + rng.sample(others, n_reg - len(core))
        reg.sort(key=lambda d: list(REGISTRY).index(d))
        listed = reg + rng.sample(sorted(LOCAL_DEPARTMENTS), n_local)
        listed = [ALIAS_USE.get(c.code, {}).get(d, d) for d in listed]
        quality = "good" if c.profile == "reformed" else "poor"
        missing = [d for d in MANDATORY_COUNTY if d not in {canonical(x) for x in listed}]
        if missing and rng.random() < 0.4:  # a listed department with no staff in the hall
            d = rng.choice(missing)
            nonresident.append({"id": d, "name": department_name(d, prefix), "resident": False})
        extra_declared = [d for d in missing if rng.random() < 0.3]

    depts = build_departments(rng, listed, prefix, quality)
    if c.code == "130105":  # keep 新华区's first department exactly as in center-config.md
        depts[0].update(chief_representative=True, window_authorization="full", system_integration="double_entry")
    matters = build_matters(rng, "county", c.abbr, short, listed, c.matters, c.profile, extra_declared=extra_declared)
    if c.code == "130105":
        cp = next(m for m in matters if m["id"] == "construction_permit")
        cp.update(handled_at="window", online=True, legal_days=20, promised_days=12)
    if c.code in PROMISE_OVER:
        cand = [m for m in matters if "legal_days" in m and m["in_center"]]
        m = rng.choice(cand)
        m["promised_days"] = m["legal_days"] + rng.choice([5, 10])

    if c.profile in ("compliant", "reformed"):
        org = {"nature": "administrative_organ", "rank": "full_section", "staffing": "administrative"}
    elif c.code == "130131":  # 平山县: already 正科 but still 事业单位 (breaks the old city rule)
        org = {"nature": "public_institution", "rank": "full_section", "staffing": "career"}
    elif c.code == "130183":  # 晋州市: mixed staffing
        org = {"nature": "public_institution", "rank": "deputy_section", "staffing": "mixed"}
    else:
        org = {"nature": "public_institution", "rank": "deputy_section", "staffing": "career"}
    org["approved_posts"] = (
        15 if c.code == "130105" else (rng.randint(18, 30) if c.profile == "compliant" else rng.randint(5, 16))
    )
    if c.profile == "compliant" or c.code == "130105":
        org["functions"] = list(FUNCTIONS_ALL)
    else:
        choice = rng.choice(["all", "coordination", "coord_sup", "omit"])
        if choice != "omit":
            org["functions"] = {
                "all": FUNCTIONS_ALL,
                "coordination": ["coordination"],
                "coord_sup": ["coordination", "supervision"],
            }[choice][:]

    if c.profile == "compliant":
        owa = True
        platform = {"unified_platform": True, "reaches_villages": True, "e_supervision": "integrated"}
        perf = {"egov_in_assessment": True, "report_frequency": "monthly"}
    elif c.code == "130105":
        owa, platform = False, {"unified_platform": False, "reaches_villages": False, "e_supervision": "separate_entry"}
        perf = {"egov_in_assessment": False, "report_frequency": "none"}
    else:
        good = c.profile == "reformed"
        owa = rng.random() < (0.7 if good else 0.3)
        unified = rng.random() < (0.6 if good else 0.25)
        platform = {
            "unified_platform": unified,
            "reaches_villages": unified and rng.random() < 0.4,
            "e_supervision": weighted(rng, {"integrated": 0.15, "separate_entry": 0.65, "none": 0.2}),
        }
        perf = {
            "egov_in_assessment": rng.random() < (0.7 if good else 0.35),
            "report_frequency": weighted(rng, {"monthly": 0.2, "quarterly": 0.35, "yearly": 0.2, "none": 0.25}),
        }

    return {
        "id": county_center_id(c.code),
        "name": county_center_name(c),
        "tier": "county",
        "region_code": c.code,
        "parent": "130100-city",
        "population": c.population,
        "declared_on": DECLARED_ON,
        "organization": org,
        "hall": {"area_m2": c.area_m2, "windows": c.windows, "one_window_acceptance": owa},
        "departments": depts + nonresident,
        "matters": matters,
        "platform": platform,
        "performance": perf,
    }


def build_city(rng: random.Random) -> dict:
    prefix = "石家庄市"
    locals_ = [
        "urban_management",
        "commerce",
        "education",
        "safety_supervision",
        "forestry",
        "meteorology",
        "civil_air_defense",
    ]
    listed = [*MANDATORY_CITY, "disabled_persons", *locals_][: CITY["departments"]]
    listed[listed.index("housing_provident_fund")] = "公积金中心"
    depts = build_departments(rng, listed, prefix, "good", city=True)
    matters = build_matters(rng, "city", CITY["abbr"], "石", listed, CITY["matters"], "city")
    return {
        "id": "130100-city",
        "name": "石家庄市政务服务中心",
        "tier": "city",
        "region_code": "130100",
        "population": CITY["population"],
        "declared_on": DECLARED_ON,
        "organization": {
            "nature": "administrative_organ",
            "rank": "full_division",
            "staffing": "administrative",
            "approved_posts": 45,
            # the paper: no leading / guiding role over county centers
            "functions": ["coordination", "supervision"],
        },
        "hall": {"area_m2": CITY["area_m2"], "windows": CITY["windows"], "one_window_acceptance": True},
        "departments": depts,
        "matters": matters,
        "platform": {"unified_platform": False, "reaches_villages": False, "e_supervision": "separate_entry"},
        "performance": {"egov_in_assessment": False, "report_frequency": "quarterly"},
    }


def build_township(rng: random.Random, t: tuple, n: int) -> dict:
    code, name, county_code, population, area, windows = t
    county = next(c for c in COUNTIES if c.code == county_code)
    compliant = code in COMPLIANT_TOWNSHIPS
    if compliant:
        dlist = list(MANDATORY_TOWNSHIP)
    else:
        chosen = set(rng.sample(MANDATORY_TOWNSHIP, rng.randint(2, 5)))
        dlist = [d for d in MANDATORY_TOWNSHIP if d in chosen]
    if n == 4:  # one township lists 残联 by its alias
        dlist = ["残联" if d == "disabled_persons" else d for d in dlist]
    depts = []
    for d in dlist:
        e = {"id": d, "name": name + TOWNSHIP_DEPT_NAMES[canonical(d)], "resident": True}
        if compliant or rng.random() < 0.6:
            e["window_authorization"] = "full" if compliant else rng.choice(["full", "partial"])
            e["system_integration"] = "integrated" if compliant else rng.choice(["double_entry", "none"])
        depts.append(e)

    canon = {canonical(d): d for d in dlist}
    matters = []
    for mid, mname, dept, mtype in catalogue_for("township"):
        if not compliant and rng.random() < 0.25:
            continue  # not declared at all
        in_c = compliant or rng.random() < 0.85
        matters.append(
            matter(
                mid,
                mname,
                mtype,
                canon.get(dept, dept),
                in_center=in_c,
                handled_at="window" if in_c else "outside",
                online=compliant or rng.random() < 0.4,
                days=legal_and_promised(rng, mtype) if rng.random() < 0.3 else None,
            )
        )
    local = [(mname, mtype, canon[d]) for mname, mtype, d in TOWNSHIP_LOCAL_MATTERS if d in canon]
    for i, (mname, mtype, d) in enumerate(rng.sample(local, min(len(local), rng.randint(1, 4))), 1):
        matters.append(
            matter(
                f"{county.abbr}{code[-3:]}-{i:03d}",
                mname,
                mtype,
                d,
                in_center=True,
                handled_at="window",
                online=rng.random() < 0.3,
                days=None,
            )
        )

    org = {
        "nature": "public_institution" if compliant else rng.choice(["public_institution", "internal_agency"]),
        "rank": "unit" if compliant else rng.choice(["unit", "none"]),
        "staffing": "career" if compliant else rng.choice(["career", "mixed", "none"]),
    }
    if compliant or rng.random() < 0.75:  # some townships do not declare their posts
        org["approved_posts"] = rng.randint(3, 6) if compliant else rng.randint(0, 6)
    hall = {"area_m2": area, "windows": windows}
    if compliant or rng.random() < 0.7:
        hall["one_window_acceptance"] = compliant or rng.random() < 0.4
    c = {
        "id": f"{code}-township",
        "name": f"{county.name}{name}便民服务中心",
        "tier": "township",
        "region_code": code,
        "parent": county_center_id(county_code),
        "population": population,
        "declared_on": DECLARED_ON,
        "organization": org,
        "hall": hall,
        "departments": depts,
        "matters": matters,
    }
    if compliant or rng.random() < 0.7:
        unified = compliant or rng.random() < 0.4
        c["platform"] = {
            "unified_platform": unified,
            "reaches_villages": unified and rng.random() < 0.7,
            "e_supervision": "integrated" if compliant else rng.choice(["separate_entry", "none"]),
        }
    if compliant or rng.random() < 0.4:
        c["performance"] = {
            "egov_in_assessment": compliant or rng.random() < 0.3,
            "report_frequency": rng.choice(["monthly", "quarterly", "yearly"]),
        }
    return c


def build_village(rng: random.Random, v: tuple) -> dict:
    code, name, tcode, population, area, windows = v
    township = next(t for t in TOWNSHIPS if t[0] == tcode)
    compliant = code in COMPLIANT_VILLAGES
    matters = []
    cat = catalogue_for("village")
    chosen = set(range(len(cat))) if compliant else set(rng.sample(range(len(cat)), rng.randint(2, 4)))
    for i, (mid, mname, dept, mtype) in enumerate(cat):
        if i in chosen:
            matters.append(
                matter(
                    mid,
                    mname,
                    mtype,
                    dept,
                    in_center=True,
                    handled_at="window",
                    online=compliant or rng.random() < 0.3,
                    days=None,
                )
            )
    if rng.random() < 0.5:
        mname, mtype, dept = rng.choice(
            [
                ("高龄津贴申请代办", PAY, "civil_affairs"),
                ("临时救助申请代办", PAY, "civil_affairs"),
                ("城乡居民基本医疗保险参保登记代办", SERV, "human_resources_social_security"),
                ("社会保障卡申领代办", SERV, "human_resources_social_security"),
            ]
        )
        matters.append(
            matter(
                f"v{code[-6:]}-001", mname, mtype, dept, in_center=True, handled_at="window", online=False, days=None
            )
        )
    c = {
        "id": f"{code}-village",
        "name": f"{township[1]}{name}便民服务站",
        "tier": "village",
        "region_code": code,
        "parent": f"{tcode}-township",
        "population": population,
        "declared_on": DECLARED_ON,
    }
    if compliant or rng.random() < 0.7:
        c["organization"] = {"nature": "none", "rank": "none", "staffing": "none", "approved_posts": 0}
    hall = {"area_m2": area, "windows": windows}
    if rng.random() < 0.5:
        hall["one_window_acceptance"] = rng.random() < 0.5
    c["hall"] = hall
    if rng.random() < 0.5:
        c["departments"] = []
    c["matters"] = matters
    if compliant or rng.random() < 0.6:
        c["platform"] = {"unified_platform": compliant or rng.random() < 0.3}
    return c


# ---------------------------------------------------------------------------
# YAML emitter (hand-written so that quoting is explicit and Chinese stays readable)
# ---------------------------------------------------------------------------
PLAIN_ASCII = re.compile(r"[a-z][a-z_]*")
YAML11_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}
PLAIN_CJK = re.compile(r"[\u4e00-\u9fff][\u4e00-\u9fff0-9A-Za-z（）〔〕、]*")


def scalar(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, str):
        if PLAIN_ASCII.fullmatch(v) and v not in YAML11_WORDS:
            return v
        if PLAIN_CJK.fullmatch(v):
            return v
        return json.dumps(v, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar
    raise TypeError(f"cannot emit {v!r}")


def emit(value, indent: int = 0) -> list[str]:
    """Block-style YAML for a dict of scalars / dicts / lists."""
    pad = " " * indent
    lines = []
    for k, v in value.items():
        if isinstance(v, dict):
            lines.append(f"{pad}{k}:")
            lines += emit(v, indent + 2)
        elif isinstance(v, list) and (not v or not isinstance(v[0], dict)):
            lines.append(f"{pad}{k}: [{', '.join(scalar(x) for x in v)}]")
        elif isinstance(v, list):
            lines.append(f"{pad}{k}:")
            for item in v:
                sub = emit(item, indent + 4)
                lines.append(f"{pad}  - {sub[0].lstrip()}")
                lines += sub[1:]
        else:
            lines.append(f"{pad}{k}: {scalar(v)}")
    return lines


def header(c: dict) -> list[str]:
    h = [
        "# Generated by examples/shijiazhuang/generate.py (seed 2016) - do not edit by hand.",
        "# REAL: center name and division code. ILLUSTRATIVE: all other values (see README.md).",
    ]
    code = c["region_code"]
    if c["tier"] == "county" and code in PAPER_COUNTS:
        d, m = PAPER_COUNTS[code]
        h.append(f"# REAL (source paper): {d} resident departments, {m} matters in the center.")
    compliant = {county_center_id(c.code) for c in COUNTIES if c.profile == "compliant"}
    compliant |= {f"{t}-township" for t in COMPLIANT_TOWNSHIPS} | {f"{v}-village" for v in COMPLIANT_VILLAGES}
    if c["id"] in compliant:
        h.append("# ILLUSTRATIVE model center: built to meet every sjz-proposed clause of its tier.")
    return h


# ---------------------------------------------------------------------------
# Verification
# ---------------------------------------------------------------------------
ENUMS = {
    "tier": {"city", "county", "township", "village"},
    "nature": {"administrative_organ", "public_institution", "internal_agency", "none"},
    "rank": {
        "full_bureau",
        "deputy_bureau",
        "full_division",
        "deputy_division",
        "full_section",
        "deputy_section",
        "unit",
        "none",
    },
    "staffing": {"administrative", "career", "mixed", "none"},
    "functions": {"coordination", "supervision", "guidance"},
    "window_authorization": {"full", "partial", "none"},
    "system_integration": {"integrated", "double_entry", "none"},
    "type": {LIC, PAY, CONF, OTHER, SERV},
    "handled_at": {"window", "back_office", "outside"},
    "e_supervision": {"integrated", "separate_entry", "none"},
    "report_frequency": {"monthly", "quarterly", "yearly", "none"},
}
CENTER_KEYS = {
    "id",
    "name",
    "tier",
    "region_code",
    "parent",
    "population",
    "declared_on",
    "organization",
    "hall",
    "departments",
    "matters",
    "platform",
    "performance",
}
SECTION_KEYS = {
    "organization": {"nature", "rank", "staffing", "approved_posts", "functions"},
    "hall": {"area_m2", "windows", "one_window_acceptance"},
    "platform": {"unified_platform", "reaches_villages", "e_supervision"},
    "performance": {"egov_in_assessment", "report_frequency"},
}
DEPT_KEYS = {"id", "name", "resident", "chief_representative", "window_authorization", "system_integration"}
MATTER_KEYS = {
    "id",
    "name",
    "code",
    "type",
    "department",
    "in_center",
    "exemption",
    "handled_at",
    "online",
    "legal_days",
    "promised_days",
}
BOOL_FIELDS = {
    "one_window_acceptance",
    "resident",
    "chief_representative",
    "in_center",
    "online",
    "unified_platform",
    "reaches_villages",
    "egov_in_assessment",
}
INT_FIELDS = {"population", "approved_posts", "windows", "legal_days", "promised_days"}
CODE_LEN = {"city": 6, "county": 6, "township": 9, "village": 12}
PARENT_TIER = {"county": "city", "township": "county", "village": "township"}


def check_fields(where: str, d: dict, allowed: set[str]) -> None:
    extra = set(d) - allowed
    assert not extra, f"{where}: unknown fields {sorted(extra)}"
    for k, v in d.items():
        if k in BOOL_FIELDS:
            assert isinstance(v, bool), f"{where}.{k}: not a boolean: {v!r}"
        if k in INT_FIELDS:
            assert isinstance(v, int) and not isinstance(v, bool) and v >= 0, f"{where}.{k}: {v!r}"
        if k in ENUMS and k != "functions":
            assert v in ENUMS[k], f"{where}.{k}: {v!r} not in enum"
        if k in ("id", "name", "region_code", "parent", "department", "exemption", "code"):
            assert isinstance(v, str), f"{where}.{k}: not a string: {v!r}"


def check_compliant_county(c: dict) -> None:
    """The sjz-proposed county norms, as norms.md states them (a quick self-check, not the engine)."""
    o, h, p, f = c["organization"], c["hall"], c["platform"], c["performance"]
    assert (o["nature"], o["rank"], o["staffing"]) == ("administrative_organ", "full_section", "administrative")
    assert set(o["functions"]) >= set(FUNCTIONS_ALL)
    assert h["area_m2"] >= 3000 and h["one_window_acceptance"] is True
    assert p == {"unified_platform": True, "reaches_villages": True, "e_supervision": "integrated"}
    assert f["egov_in_assessment"] is True and f["report_frequency"] == "monthly"
    resident = [d for d in c["departments"] if d["resident"]]
    assert set(MANDATORY_COUNTY) <= {canonical(d["id"]) for d in resident}
    for d in resident:
        assert (d["chief_representative"], d["window_authorization"], d["system_integration"]) == (
            True,
            "full",
            "integrated",
        ), d
    by_id = {m["id"]: m for m in c["matters"]}
    for mid, _n, dept, _t in catalogue_for("county"):
        m = by_id[mid]
        assert m["in_center"] and m["online"] and canonical(m["department"]) == dept, m
    for m in c["matters"]:
        assert m["in_center"] and m["handled_at"] == "window" and m["exemption"] == "", m
        if "legal_days" in m:
            assert m["promised_days"] <= m["legal_days"], m


def verify(root: Path) -> list[str]:
    """Load every file back, check the contract; return the report lines."""
    centers: dict[str, tuple[Path, dict]] = {}
    for path in sorted(root.glob("*/*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert isinstance(doc, dict) and list(doc) == ["center"], f"{path}: top level must be `center`"
        c = doc["center"]
        for k in ("id", "name", "tier", "region_code"):
            assert k in c, f"{path}: missing {k}"
        assert re.fullmatch(r"[A-Za-z0-9_.-]+", c["id"]), path
        assert c["id"] not in centers, f"duplicate center id {c['id']}"
        assert path.stem == c["id"] and path.parent.name == c["tier"], path
        check_fields(c["id"], c, CENTER_KEYS)
        code = c["region_code"]
        assert code.isascii() and code.isdigit() and len(code) == CODE_LEN[c["tier"]], c["id"]
        assert c.get("declared_on") in (None, DECLARED_ON), c["id"]
        for sec, keys in SECTION_KEYS.items():
            if sec in c:
                check_fields(f"{c['id']}.{sec}", c[sec], keys)
        funcs = c.get("organization", {}).get("functions", [])
        assert set(funcs) <= ENUMS["functions"], c["id"]
        assert c["hall"]["area_m2"] > 0
        dept_ids = set()
        for d in c.get("departments", []):
            check_fields(f"{c['id']}.departments[{d['id']}]", d, DEPT_KEYS)
            assert canonical(d["id"]) not in dept_ids, f"{c['id']}: duplicate department {d['id']}"
            dept_ids.add(canonical(d["id"]))
        matter_ids = set()
        for m in c.get("matters", []):
            check_fields(f"{c['id']}.matters[{m['id']}]", m, MATTER_KEYS)
            assert m["id"] not in matter_ids, f"{c['id']}: duplicate matter {m['id']}"
            matter_ids.add(m["id"])
            if c["tier"] in ("city", "county"):
                assert canonical(m["department"]) in dept_ids or not m["in_center"], (c["id"], m)
        centers[c["id"]] = (path, c)

    for cid, (_path, c) in centers.items():
        if c["tier"] == "city":
            assert "parent" not in c
            continue
        parent = centers.get(c["parent"])
        assert parent, f"{cid}: parent {c['parent']} does not exist"
        assert parent[1]["tier"] == PARENT_TIER[c["tier"]], cid
        assert c["region_code"].startswith(
            parent[1]["region_code"][: len(c["region_code"]) - 3] if c["tier"] != "county" else "1301"
        ), cid

    report = []
    tiers = {t: sum(1 for _p, c in centers.values() if c["tier"] == t) for t in CODE_LEN}
    report.append("files per tier: " + ", ".join(f"{t} {n}" for t, n in tiers.items()) + f" (total {len(centers)})")
    assert tiers["city"] == 1 and tiers["county"] == 22 and tiers["township"] >= 10 and tiers["village"] >= 10
    for code, (want_d, want_m) in PAPER_COUNTS.items():
        c = centers[county_center_id(code)][1]
        got_d = sum(1 for d in c["departments"] if d["resident"] is True)
        got_m = sum(1 for m in c["matters"] if m["in_center"] is True)
        assert len(c["departments"]) == got_d and len(c["matters"]) == got_m, code
        assert (got_d, got_m) == (want_d, want_m), f"{c['name']}: {got_d}/{got_m} != {want_d}/{want_m}"
        report.append(
            f"{c['name']} ({code}): resident departments {got_d} (paper {want_d}), "
            f"matters in center {got_m} (paper {want_m}) OK"
        )
    # the paper's picture holds for the whole county tier, not only the four districts it names
    counties = [c for _p, c in centers.values() if c["tier"] == "county"]
    spread_d = [sum(1 for d in c["departments"] if d["resident"] is True) for c in counties]
    spread_m = [sum(1 for m in c["matters"] if m["in_center"] is True) for c in counties]
    assert (min(spread_d), max(spread_d), min(spread_m), max(spread_m)) == (6, 17, 32, 129), (spread_d, spread_m)
    report.append("county tier: resident departments 6–17, matters in center 32–129 (the paper's spread) OK")
    for c in COUNTIES:
        if c.profile == "compliant":
            check_compliant_county(centers[county_center_id(c.code)][1])
            report.append(f"{county_center_name(c)}: meets sjz-proposed county norms (self-check) OK")
    over = sorted(
        cid
        for cid, (_p, c) in centers.items()
        if any(m.get("promised_days", 0) > m.get("legal_days", 10**6) for m in c.get("matters", []))
    )
    report.append(f"centers with promised_days > legal_days: {over}")
    return report


# ---------------------------------------------------------------------------


def build_all() -> list[dict]:
    rng = random.Random(SEED)
    centers = [build_city(rng)]
    centers += [build_county(rng, c) for c in COUNTIES]
    centers += [build_township(rng, t, n) for n, t in enumerate(TOWNSHIPS)]
    centers += [build_village(rng, v) for v in VILLAGES]
    return centers


def write_all(root: Path, centers: list[dict]) -> None:
    for tier in CODE_LEN:
        (root / tier).mkdir(exist_ok=True)
        for old in (root / tier).glob("*.yaml"):
            old.unlink()
    for c in centers:
        text = "\n".join([*header(c), *emit({"center": c})]) + "\n"
        path = root / c["tier"] / f"{c['id']}.yaml"
        path.write_text(text, encoding="utf-8")
        assert yaml.safe_load(text) == {"center": c}, f"round trip differs: {path}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only verify the existing files")
    args = ap.parse_args(argv)
    if not args.check:
        write_all(HERE, build_all())
    for line in verify(HERE):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
