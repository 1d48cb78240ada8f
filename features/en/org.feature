# language: en
@org
Feature: Rank and nature of the center (English mirror of features/org.feature)
  For readers who need English: the same clauses, the same engine, fewer cases.
  The Chinese features are the reference; ids and values here are the YAML's own.

  @P-ORG-02
  Scenario: P-ORG-02 a county center of deputy section rank fails the proposed norms
    Given a county center whose rank is deputy_section
    When it is checked against sjz-proposed on 2019-01-01
    Then clause P-ORG-02 fails, expecting full_section

  @P-ORG-02
  Scenario Outline: P-ORG-02 the rank is set per tier
    Given a <tier> center whose rank is <rank>
    When it is checked against sjz-proposed on 2019-01-01
    Then clause P-ORG-02 <result>

    Examples:
      | tier     | rank            | result          |
      | city     | full_division   | passes          |
      | county   | full_section    | passes          |
      | county   | deputy_division | fails           |
      | township | deputy_section  | does not apply  |

  @C-ORG-01 @C-ORG-02
  Scenario: C-ORG-01 the current city rule accepts a deputy section public institution
    Given a county center whose rank is deputy_section, nature is public_institution, staffing is career
    When it is checked against sjz-current on 2016-06-30
    Then clause C-ORG-01 passes
    And clause C-ORG-02 passes

  @C-ORG-01 @P-ORG-02
  Scenario: C-ORG-01 and P-ORG-02 cannot both be met by a county center
    Given a county center whose rank is full_section
    When it is checked against sjz-current on 2019-01-01
    Then clause C-ORG-01 fails, expecting deputy_section
    When it is checked against sjz-proposed on 2019-01-01
    Then clause P-ORG-02 passes
